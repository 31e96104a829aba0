"""OAuth clients, access tokens and the permissions they carry."""
