from __future__ import annotations

from hr_support import API, call, hire
from nexus.testing import make_tenant


def test_documents_upload_list_download_delete(client, tenant, hr_db):
    ada = hire(client, tenant)
    uploaded = call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/documents",
        201,
        files={"file": ("offer letter.pdf", b"%PDF-1.4 offer", "application/pdf")},
    )
    assert (uploaded["name"], uploaded["size"]) == ("offer letter.pdf", 14)
    listed = call(client, tenant, "GET", f"/employees/{ada['id']}/documents", 200)
    assert [d["id"] for d in listed] == [uploaded["id"]]
    download = client.get(f"{API}/documents/{uploaded['id']}", headers=tenant.headers)
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 offer"
    assert download.headers["content-type"].startswith("application/pdf")
    other = make_tenant(hr_db)
    assert client.get(f"{API}/documents/{uploaded['id']}", headers=other.headers).status_code == 404
    refused = client.post(
        f"{API}/employees/{ada['id']}/documents", content=b"raw", headers=tenant.headers
    )
    assert refused.status_code == 415
    call(client, tenant, "DELETE", f"/documents/{uploaded['id']}", 204)
    assert call(client, tenant, "GET", f"/employees/{ada['id']}/documents", 200) == []
    call(client, tenant, "GET", f"/documents/{uploaded['id']}", 404)
