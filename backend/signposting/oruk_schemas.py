"""Open Referral UK / HSDS 3.0 shapes, as msgspec structs.

Modelled on the Human Services Data Specification **3.0** of Open Referral
(``openreferral/specification``, tag ``v3.0``): ``schema/compiled/service.json``,
``schema/compiled/service_list.json``, ``schema/taxonomy.json``, ``schema/taxonomy_term.json``
and the ``Page`` of ``schema/openapi.json`` — the version Open Referral UK 3.0 profiles.
Only the tables Waymark keeps (service, organization, phone, schedule, service_at_location,
location, address, attribute, taxonomy_term, taxonomy) and ``contact`` (checked on import,
not kept: Waymark stores no named person) are modelled; other fields are accepted on import
and ignored.

The same structs are used for the import, the export and the public feed. Each field the
specification requires is required here; formats are checked (``uuid``, ``uri``,
``email``, dates). Optional fields default to ``UNSET`` and are left out when empty: the
feed never sends ``null`` or ``""``. Waymark's own fields travel in ``waymark_extensions``
(export and import only, never the public feed).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, Literal, TypeVar

import msgspec
from msgspec import UNSET, Meta, UnsetType

HSDS_VERSION = "3.0"

Uuid = Annotated[
    str,
    Meta(
        pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        description="format: uuid",
    ),
]
Uri = Annotated[str, Meta(pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$", max_length=500, description="format: uri")]
Email = Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254, description="format: email")]
Text = Annotated[str, Meta(min_length=1, max_length=4000)]
Short = Annotated[str, Meta(min_length=1, max_length=200)]
Age = Annotated[float, Meta(ge=0, le=150)]
Status = Literal["active", "inactive", "defunct", "temporarily closed"]
Kind = Literal["physical", "postal", "virtual"]


class Record(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=False):
    """A table row of HSDS: fields left empty are left out."""


class Phone(Record):
    id: Uuid
    number: Annotated[str, Meta(min_length=1, max_length=30)]
    service_id: Uuid | UnsetType = UNSET
    type: Short | UnsetType = UNSET  # RFC 6350: "text" is the SMS number, "voice" a phone
    description: Text | UnsetType = UNSET


class Schedule(Record):
    id: Uuid
    service_id: Uuid | UnsetType = UNSET
    freq: Literal["WEEKLY", "MONTHLY"] | UnsetType = UNSET
    byday: Annotated[str, Meta(min_length=1, max_length=40)] | UnsetType = UNSET
    opens_at: Annotated[str, Meta(min_length=1, max_length=20)] | UnsetType = UNSET
    closes_at: Annotated[str, Meta(min_length=1, max_length=20)] | UnsetType = UNSET
    description: Short | UnsetType = UNSET


class Contact(Record):
    """A named contact (checked on import; Waymark keeps no named person)."""

    id: Uuid
    name: Short | UnsetType = UNSET
    title: Short | UnsetType = UNSET
    department: Short | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    phones: list[Phone] | UnsetType = UNSET


class Address(Record):
    id: Uuid
    address_1: Short
    city: Short
    state_province: Short
    postal_code: Annotated[str, Meta(min_length=1, max_length=10)]
    country: Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]
    address_type: Kind
    location_id: Uuid | UnsetType = UNSET


class Location(Record):
    id: Uuid
    location_type: Kind
    name: Short | UnsetType = UNSET
    url: Uri | UnsetType = UNSET
    addresses: list[Address] | UnsetType = UNSET


class ServiceAtLocation(Record):
    id: Uuid
    service_id: Uuid | UnsetType = UNSET
    location_id: Uuid | UnsetType = UNSET
    location: Location | UnsetType = UNSET


class Named(Record):
    """A row HSDS names and describes (organization, taxonomy, taxonomy_term): all three required."""

    id: Uuid
    name: Short
    description: Text


class Organization(Named):
    pass


class Taxonomy(Named):
    uri: Uri | UnsetType = UNSET
    version: Short | UnsetType = UNSET


class TaxonomyTerm(Named):
    code: Annotated[str, Meta(min_length=1, max_length=40)] | UnsetType = UNSET
    taxonomy: Short | UnsetType = UNSET  # which taxonomy: "thrive", "waymark-topics", "waymark-referral"
    taxonomy_id: Uuid | UnsetType = UNSET
    taxonomy_detail: Taxonomy | UnsetType = UNSET
    language: Annotated[str, Meta(min_length=2, max_length=3)] | UnsetType = UNSET


class Attribute(Record):
    id: Uuid
    taxonomy_term_id: Uuid | UnsetType = UNSET
    link_id: Uuid | UnsetType = UNSET
    link_type: Short | UnsetType = UNSET
    link_entity: Short | UnsetType = UNSET
    taxonomy_term: TaxonomyTerm | UnsetType = UNSET


class WaymarkExtensions(Record):
    """Waymark's fields beyond HSDS (export and import only)."""

    extended_max_age: Annotated[int, Meta(ge=0, le=30)] | UnsetType = UNSET
    crisis_line: bool | UnsetType = UNSET
    contact_verified: bool | UnsetType = UNSET
    note: Annotated[str, Meta(min_length=1, max_length=2000)] | UnsetType = UNSET
    managed_by: Literal["content", "council"] | UnsetType = UNSET


class Service(Record):
    id: Uuid
    name: Short
    status: Status
    description: Text | UnsetType = UNSET
    url: Uri | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    organization_id: Uuid | UnsetType = UNSET
    organization: Organization | UnsetType = UNSET
    eligibility_description: Annotated[str, Meta(min_length=1, max_length=1000)] | UnsetType = UNSET
    minimum_age: Age | UnsetType = UNSET
    maximum_age: Age | UnsetType = UNSET
    assured_date: dt.date | UnsetType = UNSET
    last_modified: dt.datetime | UnsetType = UNSET
    phones: list[Phone] | UnsetType = UNSET
    schedules: list[Schedule] | UnsetType = UNSET
    service_at_locations: list[ServiceAtLocation] | UnsetType = UNSET
    attributes: list[Attribute] | UnsetType = UNSET
    contacts: list[Contact] | UnsetType = UNSET
    waymark_extensions: WaymarkExtensions | UnsetType = UNSET


T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    """A page of results (HSDS 3.0 API ``Page``): ``page_number`` counts from 1; ``size`` is
    the number of entities on this page."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[T]


class ServicePage(Page[Service]):
    """A page of services (``GET /services``)."""


class TaxonomyPage(Page[Taxonomy]):
    """A page of taxonomies (``GET /taxonomies``)."""


class TaxonomyTermPage(Page[TaxonomyTerm]):
    """A page of taxonomy terms (``GET /taxonomy_terms``)."""


class ApiInfo(Record):
    """``GET /``: the HSDS version of this API and where its OpenAPI document is."""

    version: str
    openapi_url: Uri | UnsetType = UNSET


class Export(msgspec.Struct):
    """A council's directory as one document (``services`` holds every record, retired ones too)."""

    services: list[Service]
    total_items: int
    council_code: str
    exported_at: dt.datetime
    standard: str
