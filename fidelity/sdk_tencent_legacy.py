"""The legacy Tencent image API (`image.api.qcloud.com/v2/index.php`, seed 003) through qcloudapi-sdk-python's
own `QcloudApi('image', ...)`: its parameter flattening (`ImageIds.N`, `Filters.N.Values.M`), its v1
signatures (HmacSHA1 by default, HmacSHA256), GET (its default) and POST.

That SDK only speaks HTTPS to the real host. The one stand-in here is its connection: `LocalConnection`
carries the SDK's request unchanged (method, path, body, and `Host: image.api.qcloud.com`, which is what
the SDK signs) to the emulator over plain HTTP, as a local proxy would. The SDK returns the body as it
came; the legacy API reports errors in it (`Response.Error.Code`), which is what a user checks."""

import contextlib
import http.client
import json
import time

import QcloudApi.common.request as qcloud_request
from QcloudApi.qcloudapi import QcloudApi

from harness import TENCENT_ID, TENCENT_KEY, check, expect, expect_eq

HOST = "image.api.qcloud.com"
FIELDS = {"ImageId", "ImageOsName", "ImageType", "ImageCreateTime", "ImageStatus", "ImageName",
          "ImageDescription", "Creator"}
EPOCH = "1970-01-01T00:00:00+00:00"


@contextlib.contextmanager
def local(emu):
    class LocalConnection(http.client.HTTPConnection):
        def __init__(self, host, port=None):
            super().__init__(emu.host, emu.port, timeout=60)
            self.request_host = host
            self.request_length = 0

        def request(self, method, url, body=None, headers=None):
            headers = dict(headers or {})
            headers.setdefault("Host", self.request_host)
            super().request(method, url, body, headers)

    original = qcloud_request.MyHTTPSConnection
    qcloud_request.MyHTTPSConnection = LocalConnection
    try:
        yield
    finally:
        qcloud_request.MyHTTPSConnection = original


def describe(emu, params, method="GET", secret_id=TENCENT_ID, secret_key=TENCENT_KEY, sign=None,
             region="ap-guangzhou", send=None):
    config = {"Region": region, "secretId": secret_id, "secretKey": secret_key, "method": method,
              "Version": "2017-03-12"}
    if sign:
        config["SignatureMethod"] = sign
    with local(emu):
        service = QcloudApi("image", config)
        if send is None:
            body = service.call("DescribeImages", params)
        else:
            body = send(service, params)
    return json.loads(body)["Response"]


def ok(resp):
    expect("Error" not in resp, "refused: %s" % resp.get("Error"))
    return resp


def error_code(resp):
    expect("Error" in resp, "accepted (%d images), but it should have been refused" % len(resp.get("ImageSet", [])))
    expect(resp.get("RequestId") or resp.get("RequestID"), "the error carries no request id")
    return resp["Error"]["Code"]


def all_pages(emu, limit=100, method="GET", region="ap-guangzhou", **params):
    images, offset, total = [], 0, None
    while True:
        resp = ok(describe(emu, dict(params, Offset=offset, Limit=limit), method=method, region=region))
        total = resp["TotalCount"] if total is None else total
        expect_eq(resp["TotalCount"], total, "TotalCount at offset %d" % offset)
        expect(resp.get("RequestID"), "no RequestID")
        images.extend(resp["ImageSet"])
        offset += limit
        if offset >= total:
            return images, total
        expect(resp["ImageSet"], "an empty page at offset %d" % (offset - limit))


@check("tencent legacy: DescribeImages pages every region over GET and POST (Offset/Limit/TotalCount)",
       shapes=("default", "real"))
def every_page(emu):
    for region in ("ap-guangzhou", "ap-shanghai", "ap-nanjing"):
        images, total = all_pages(emu, region=region)
        expect_eq(len(images), total, "%s: images vs TotalCount" % region)
        posted, _ = all_pages(emu, limit=45, method="POST", region=region)
        expect_eq([i["ImageId"] for i in posted], [i["ImageId"] for i in images], "%s: POST, Limit=45" % region)
        for image in images:
            missing = FIELDS - set(image)
            expect(not missing, "%s lacks %s" % (image.get("ImageId"), sorted(missing)))


@check("tencent legacy: public images report ImageCreateTime 1970-01-01T00:00:00+00:00, as seed 003 shows")
def public_epoch(emu):
    images, _ = all_pages(emu)
    public = [i for i in images if i["ImageType"] == "PUBLIC_IMAGE"]
    expect(public, "no public image")
    expect_eq({i["ImageCreateTime"] for i in public}, {EPOCH}, "creation times of public images")
    expect_eq({i["Creator"] for i in public}, {"PUBLIC"}, "Creator of public images")


@check("tencent legacy: ImageIds.N (from the SDK's list flattening) returns exactly those images")
def image_ids(emu):
    some = ok(describe(emu, {"Limit": 10}))["ImageSet"]
    wanted = [some[1]["ImageId"], some[6]["ImageId"]]
    got = ok(describe(emu, {"ImageIds": wanted}))
    expect_eq(sorted(i["ImageId"] for i in got["ImageSet"]), sorted(wanted), "images")
    expect_eq(got["TotalCount"], 2, "TotalCount")


@check("tencent legacy: Filters.N, 0-based from the SDK and 1-based as seed 003's example writes them")
def filters(emu):
    zero = ok(describe(emu, {"Filters": [{"Name": "image-type", "Values": ["PRIVATE_IMAGE"]}], "Limit": 100}))
    one = ok(describe(emu, {"Filters.1.Name": "image-type", "Filters.1.Values.1": "PRIVATE_IMAGE", "Limit": 100}))
    expect(zero["ImageSet"], "no private image")
    expect_eq({i["ImageType"] for i in zero["ImageSet"]}, {"PRIVATE_IMAGE"}, "image-type=PRIVATE_IMAGE")
    expect_eq([i["ImageId"] for i in one["ImageSet"]], [i["ImageId"] for i in zero["ImageSet"]], "1-based")
    name = zero["ImageSet"][0]["ImageName"]
    exact = ok(describe(emu, {"Filters": [{"Name": "image-name", "Values": [name]}]}))
    expect(exact["ImageSet"] and all(i["ImageName"] == name for i in exact["ImageSet"]), "image-name=%r" % name)


@check("tencent legacy: HmacSHA256 signatures are accepted over GET and POST")
def hmac_sha256(emu):
    for method in ("GET", "POST"):
        resp = ok(describe(emu, {"Limit": 3}, method=method, sign="HmacSHA256"))
        expect_eq(len(resp["ImageSet"]), 3, "images over %s" % method)


@check("tencent legacy: a wrong secret key is refused with AuthFailure.SignatureFailure")
def wrong_key(emu):
    expect_eq(error_code(describe(emu, {"Limit": 1}, secret_key="not-the-key")), "AuthFailure.SignatureFailure",
              "error code")


@check("tencent legacy: an unknown SecretId is refused with AuthFailure.SecretIdNotFound")
def unknown_id(emu):
    expect_eq(error_code(describe(emu, {"Limit": 1}, secret_id="AKIDnoSuchKey")), "AuthFailure.SecretIdNotFound",
              "error code")


@check("tencent legacy: a Timestamp an hour old is refused with AuthFailure.SignatureExpire")
def expired(emu):
    resp = describe(emu, {"Limit": 1, "Timestamp": int(time.time()) - 3600})
    expect_eq(error_code(resp), "AuthFailure.SignatureExpire", "error code")


@check("tencent legacy: a request altered after signing is refused with AuthFailure.SignatureFailure")
def tampered(emu):
    def send_altered(api, params):
        service = api._factory(api.module, api.config)
        original = service.apiRequest.send_request

        def altered(req):
            req.data = req.data.replace("Limit=1", "Limit=2")
            return original(req)

        service.apiRequest.send_request = altered
        return service.call("DescribeImages", params)

    resp = describe(emu, {"Limit": 1}, send=send_altered)
    expect_eq(error_code(resp), "AuthFailure.SignatureFailure", "error code")
