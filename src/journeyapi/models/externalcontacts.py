"""External contacts: the CRM contacts of Genesys External Contacts.

Only the fields journeyapi keeps are typed; the rest of a contact is ignored.
"""

from __future__ import annotations

from journeyapi.models.common import UtcDateTime, WireModel


class PhoneNumber(WireModel):
    display: str | None = None
    extension: int | None = None
    accepts_sms: bool | None = None
    user_input: str | None = None
    e164: str | None = None
    country_code: str | None = None


class ExternalContact(WireModel):
    id: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    salutation: str | None = None
    title: str | None = None
    work_phone: PhoneNumber | None = None
    cell_phone: PhoneNumber | None = None
    home_phone: PhoneNumber | None = None
    other_phone: PhoneNumber | None = None
    work_email: str | None = None
    personal_email: str | None = None
    other_email: str | None = None
    survey_opt_out: bool | None = None
    external_system_url: str | None = None
    modify_date: UtcDateTime | None = None
    create_date: UtcDateTime | None = None
    self_uri: str | None = None
