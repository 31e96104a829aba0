"""Wire schemas of the Genesys Journey API, shared by the server and the client.

Names on the wire are camelCase exactly as Genesys spells them; absent values are
left out of JSON; date-times go out in UTC with three fractional digits and ``Z``.
"""
