"""Local signposting (capability 6): each council's directory of services, national services
and crisis lines.

Endpoints (see ``shared/API.md``, "Self-help and signposting", and ``/schema``):

- ``GET /api/v1/services?topic=&thrive=&open_now=`` — young people: their council's active
  services that fit their age, then national ones, open now first in each group.
  Counsellors: national ones, or with ``council=`` (and ``age=``, ``extended=true``) a
  council's, to share one in a chat. ``GET /api/v1/services/{id}``: one, to share.
- ``POST /api/v1/services/{id}/clicks`` ``{kind}`` — young people: an anonymous
  click-through count (a ``signpost_click`` usage event: council and topic only).
- ``GET /api/v1/crisis-lines`` — anyone: the council's own lines first (with a session),
  then the national ones; a line with no phone, text number or website is left out.
- ``/api/v1/councils/{code}/services`` — the council's officers (``council_admin`` of that
  council) and platform admins: list (retired ones included), create, ``PUT`` (full
  replace of the editable fields), ``DELETE`` (**retires** the service: ``status`` becomes
  ``inactive``, the record is kept and can be brought back with ``PUT``), ``import`` and
  ``export`` in Open Referral UK / HSDS 3.0 JSON (up to 4 MB).

Where the data comes from: ``content/national-services.yaml`` and
``content/services/<ONS code>.yaml`` are loaded by ``waymark import-content``
(``managed_by = "content"``). Once a council edits, imports or retires a service it is
``managed_by = "council"`` and a re-import leaves it alone.

ORUK / HSDS 3.0 mapping (import and export): ``id``, ``name``, ``description``, ``url``,
``email``, ``status``, ``organization.name``, ``phones[]`` (``type: "text"`` is the SMS
number, anything else the phone; the first of each is kept), ``schedules[]`` (``freq
WEEKLY``, ``byday "MO,TU"``, ``opens_at``/``closes_at`` HH:MM, "24:00" or "23:59:59" for
midnight; ``description`` is the opening hours in words), ``eligibility_description``,
``minimum_age``/``maximum_age`` (absent: 0 and 30), ``service_at_locations[0].location``
(name and first address), ``attributes[].taxonomy_term`` with vocabularies ``thrive``,
``waymark-topics`` and ``waymark-referral`` (``self_referral``/``referral_needed``),
``reviewed_on`` (or ``assured_date``), ``last_modified`` (export only) and
``waymark_extensions`` (``extended_max_age``, ``crisis_line``, ``contact_verified``, ``note``).
"""
