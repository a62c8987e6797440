"""Local signposting (capability 6): each council's directory of services, national services
and crisis lines.

Endpoints (the OpenAPI document at ``/schema`` is the reference; ``docs/oruk-feed.md`` for ORUK):

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

- ``/oruk/{council_code}/…`` — anyone: the council's active services as an Open Referral
  UK 3.0 (HSDS 3.0) API, with ``Access-Control-Allow-Origin: *`` (``feed``,
  ``feed_controllers``; see ``docs/oruk-feed.md``).

Where the data comes from: ``content/national-services.yaml`` and
``content/services/<ONS code>.yaml`` are loaded by ``waymark import-content``
(``managed_by = "content"``). Once a council edits, imports or retires a service it is
``managed_by = "council"`` and a re-import leaves it alone.

The modules: ``validation`` (what a service must be), ``rows`` (the one mapping between a
service as written and its row), ``hours`` (open now, in London time), ``visibility`` (who
sees which service), ``cache`` (per-worker caches, forgotten after a commit), ``crisis``
(crisis lines), ``directory`` (a council's own directory, ORUK import and export),
``oruk_schemas`` and ``taxonomy`` (the HSDS 3.0 shapes and Waymark's taxonomies), ``oruk``
(a row as an HSDS service and back, every problem with its path), ``feed`` (the public
feed), ``content`` (loading content/), ``services`` (what young people and counsellors read).
"""
