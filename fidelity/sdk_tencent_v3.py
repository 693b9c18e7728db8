"""Tencent CVM API 3.0 `DescribeImages` through tencentcloud-sdk-python's own `CvmClient`: TC3-HMAC-SHA256
over POST (the SDK's default) and GET, signature v1 (HmacSHA1/HmacSHA256) as the SDK also offers, the
`DescribeImagesResponse`/`Image` models, and errors as the SDK detects them (`_check_error` reads
`Response.Error` only from a reply whose Content-Type is exactly `application/json`)."""

import contextlib
import hashlib
import json
import time
import warnings
from datetime import datetime, timezone

from tencentcloud.common import abstract_client, credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.sign import Sign
from tencentcloud.cvm.v20170312 import cvm_client, models

from harness import TENCENT_ID, TENCENT_KEY, check, expect, expect_eq

# The `Image` model of tencentcloud-sdk-python-cvm (v20170312/models.py) and its documented values.
IMAGE_FIELDS = {
    "ImageId", "OsName", "ImageType", "CreatedTime", "ImageName", "ImageDescription", "ImageSize",
    "Architecture", "ImageState", "Platform", "ImageCreator", "ImageSource", "SyncPercent",
    "IsSupportCloudinit", "SnapshotSet", "Tags", "LicenseType", "ImageFamily", "ImageDeprecated",
    "CdcCacheStatus",
}
IMAGE_TYPES = {"PUBLIC_IMAGE", "PRIVATE_IMAGE", "SHARED_IMAGE"}
IMAGE_SOURCES = {"OFFICIAL", "CREATE_IMAGE", "EXTERNAL_IMPORT"}
IMAGE_STATES = {"CREATING", "NORMAL", "CREATEFAILED", "SYNCING", "IMPORTING", "IMPORTFAILED"}
ARCHITECTURES = {"x86_64", "arm", "i386"}
LICENSE_TYPES = {"TencentCloud", "BYOL"}
REGIONS = ["ap-guangzhou", "ap-shanghai", "ap-nanjing"]


def cvm(emu, secret_id=TENCENT_ID, secret_key=TENCENT_KEY, method="POST", sign="TC3-HMAC-SHA256",
        region="ap-guangzhou", cls=cvm_client.CvmClient):
    http = HttpProfile(protocol="http", endpoint=emu.hostport, reqMethod=method)
    profile = ClientProfile(signMethod=sign, httpProfile=http)
    return cls(credential.Credential(secret_id, secret_key), region, profile)


def request(**fields):
    req = models.DescribeImagesRequest()
    for k, v in fields.items():
        setattr(req, k, v)
    return req


def name_filter(name, *values):
    f = models.Filter()
    f.Name = name
    f.Values = list(values)
    return f


def all_pages(client, limit=100, **fields):
    images, offset, total = [], 0, None
    while True:
        resp = client.DescribeImages(request(Offset=offset, Limit=limit, **fields))
        total = resp.TotalCount if total is None else total
        expect_eq(resp.TotalCount, total, "TotalCount at offset %d" % offset)
        expect(resp.RequestId, "no RequestId")
        images.extend(resp.ImageSet or [])
        offset += limit
        if offset >= total:
            return images, total
        expect(resp.ImageSet, "an empty page at offset %d of %d" % (offset - limit, total))


def raw_images(client, **params):
    """The `ImageSet` as sent, through the SDK's generic `call` (signing, sending, error checks)."""
    body = json.loads(client.call("DescribeImages", params))
    return body["Response"]["ImageSet"]


def sdk_error(call):
    try:
        result = call()
    except TencentCloudSDKException as e:
        return e
    raise AssertionError("the SDK reported success (%r), but the request should have been refused" % (result,))


@check("tencent v3: DescribeImages pages every region through the SDK model (Offset/Limit/TotalCount)",
       shapes=("default", "real"))
def every_page(emu):
    for region in REGIONS:
        client = cvm(emu, region=region)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            images, total = all_pages(client)
        # The default shapes send the SDK model's fields and no others; the real ones add unknown fields.
        useless = [str(w.message) for w in caught if "useless" in str(w.message)]
        if emu.shapes == "default":
            expect(not useless, "the SDK model ignored fields: %s" % useless[:3])
        expect_eq(len(images), total, "%s: images listed vs TotalCount" % region)
        ids = [i.ImageId for i in images]
        expect_eq(len(set(ids)), len(ids), "%s: distinct ids" % region)
        small, _ = all_pages(client, limit=33)
        expect_eq([i.ImageId for i in small], ids, "%s: Limit=33 lists the same" % region)
        if region == "ap-guangzhou":
            expect(total > 200, "only %d images" % total)


@check("tencent v3: the 10,000-image region pages to the end", )
def bulk_region(emu):
    images, total = all_pages(cvm(emu, region="ap-bench"))
    expect_eq((len(images), total), (10_000, 10_000), "images and TotalCount")


@check("tencent v3: TC3-signed GET requests are served like POST", shapes=("default", "real"), difference="2")
def get_requests(emu):
    post, _ = all_pages(cvm(emu))
    get, _ = all_pages(cvm(emu, method="GET"))
    expect_eq([i.ImageId for i in get], [i.ImageId for i in post], "GET and POST list the same")
    ubuntu = cvm(emu, method="GET").DescribeImages(request(Filters=[name_filter("platform", "Ubuntu")], Limit=100))
    expect(ubuntu.ImageSet and all("Ubuntu" in i.Platform for i in ubuntu.ImageSet), "GET with Filters.0")


@check("tencent v3: signature v1 (HmacSHA1, HmacSHA256) over POST and GET is accepted", difference="9")
def v1_signatures(emu):
    want = [i.ImageId for i in cvm(emu).DescribeImages(request(Limit=50)).ImageSet]
    for sign in ("HmacSHA1", "HmacSHA256"):
        for method in ("POST", "GET"):
            got = cvm(emu, method=method, sign=sign).DescribeImages(request(Limit=50))
            expect_eq([i.ImageId for i in got.ImageSet], want, "%s over %s" % (sign, method))


class SignsAction(cvm_client.CvmClient):
    """Signs `x-tc-action` too, which the signing document allows (it requires content-type and host):
    the canonical headers are every signed header, name and value lower-cased, sorted by name."""

    def _build_req_with_tc3_signature(self, action, params, req, options=None):
        super()._build_req_with_tc3_signature(action, params, req, options)
        signed = {
            "content-type": req.header["Content-Type"],
            "host": req.header["Host"],
            "x-tc-action": req.header["X-TC-Action"],
        }
        names = sorted(signed)
        canonical_headers = "".join("%s:%s\n" % (n, signed[n].strip().lower()) for n in names)
        payload = b"" if req.method == "GET" else req.data.encode("utf8")
        query = req.data if req.method == "GET" else ""
        canonical = "\n".join([req.method, "/", query, canonical_headers, ";".join(names),
                               hashlib.sha256(payload).hexdigest()])
        ts = int(req.header["X-TC-Timestamp"])
        date = datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d")
        scope = "%s/cvm/tc3_request" % date
        to_sign = "TC3-HMAC-SHA256\n%d\n%s\n%s" % (ts, scope, hashlib.sha256(canonical.encode("utf8")).hexdigest())
        secret_id, secret_key, _ = self.credential.get_credential_info()
        signature = Sign.sign_tc3(secret_key, date, "cvm", to_sign)
        req.header["Authorization"] = "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
            secret_id, scope, ";".join(names), signature)


@check("tencent v3: a TC3 signature that also signs x-tc-action is accepted", difference="3")
def signs_more_headers(emu):
    for method in ("POST", "GET"):
        got = cvm(emu, method=method, cls=SignsAction).DescribeImages(request(Limit=5))
        expect_eq(len(got.ImageSet), 5, "images over %s" % method)


@check("tencent v3: a wrong secret key is an SDK error AuthFailure.SignatureFailure, not an empty success",
       difference="1")
def wrong_key(emu):
    err = sdk_error(lambda: cvm(emu, secret_key="not-the-key").DescribeImages(request(Limit=1)))
    expect_eq(err.code, "AuthFailure.SignatureFailure", "error code")
    expect(err.requestId, "the error carries no RequestId")


@check("tencent v3: an unknown SecretId is AuthFailure.SecretIdNotFound", difference="1")
def unknown_id(emu):
    err = sdk_error(lambda: cvm(emu, secret_id="AKIDnoSuchKey").DescribeImages(request(Limit=1)))
    expect_eq(err.code, "AuthFailure.SecretIdNotFound", "error code")


_real_time = time.time


class Stale:
    """The `time` module as seen by a machine whose clock is an hour behind."""

    @staticmethod
    def time():
        return _real_time() - 3600


@contextlib.contextmanager
def clock(replacement):
    original = abstract_client.time
    abstract_client.time = replacement
    try:
        yield
    finally:
        abstract_client.time = original


@check("tencent v3: a request signed an hour ago is AuthFailure.SignatureExpire", difference="1")
def expired(emu):
    with clock(Stale):
        err = sdk_error(lambda: cvm(emu).DescribeImages(request(Limit=1)))
    expect_eq(err.code, "AuthFailure.SignatureExpire", "error code")


class Tampering(cvm_client.CvmClient):
    """Changes the body after the SDK signed it."""

    def _build_req_with_tc3_signature(self, action, params, req, options=None):
        super()._build_req_with_tc3_signature(action, params, req, options)
        req.data = req.data.replace('"Limit": 1', '"Limit": 2')


@check("tencent v3: a body altered after signing is AuthFailure.SignatureFailure", difference="1")
def tampered(emu):
    err = sdk_error(lambda: cvm(emu, cls=Tampering).DescribeImages(request(Limit=1)))
    expect_eq(err.code, "AuthFailure.SignatureFailure", "error code")


@check("tencent v3: API errors reach the SDK as errors (InvalidFilter, coexisting ImageIds and Filters)",
       difference="1")
def api_errors(emu):
    err = sdk_error(lambda: cvm(emu).DescribeImages(request(Filters=[name_filter("no-such-filter", "x")])))
    expect_eq(err.code, "InvalidFilter", "unknown filter name")
    err = sdk_error(lambda: cvm(emu).DescribeImages(
        request(ImageIds=["img-aaaaaaaa"], Filters=[name_filter("image-type", "PUBLIC_IMAGE")])))
    expect_eq(err.code, "InvalidParameter.InvalidParameterCoexistImageIdsFilters", "ImageIds with Filters")


@check("tencent v3: ImageIds.N returns exactly the images asked for")
def image_ids(emu):
    client = cvm(emu)
    some = client.DescribeImages(request(Limit=10)).ImageSet
    wanted = [some[2].ImageId, some[7].ImageId]
    got = client.DescribeImages(request(ImageIds=wanted))
    expect_eq(sorted(i.ImageId for i in got.ImageSet), sorted(wanted), "images")
    expect_eq(got.TotalCount, 2, "TotalCount")


@check("tencent v3: image-name and platform match fuzzily, image-id and image-type exactly", difference="4")
def filter_matching(emu):
    client = cvm(emu)
    everything, _ = all_pages(client)
    platforms = {i.Platform for i in everything}
    fuzzy_platform, _ = all_pages(client, Filters=[name_filter("platform", "Cent")])
    expect(fuzzy_platform, "platform=Cent matched nothing (platforms: %s)" % sorted(platforms))
    expect(all("cent" in i.Platform.lower() for i in fuzzy_platform), "platform=Cent kept others")
    named = [i for i in everything if "64bit" in i.ImageName]
    fuzzy_name, _ = all_pages(client, Filters=[name_filter("image-name", "64bit")])
    expect_eq(sorted(i.ImageId for i in fuzzy_name), sorted(i.ImageId for i in named), "image-name=64bit")
    one = everything[0]
    exact_id = client.DescribeImages(request(Filters=[name_filter("image-id", one.ImageId)]))
    expect_eq([i.ImageId for i in exact_id.ImageSet], [one.ImageId], "image-id")
    public, _ = all_pages(client, Filters=[name_filter("image-type", "PUBLIC_IMAGE")])
    expect(public and {i.ImageType for i in public} == {"PUBLIC_IMAGE"}, "image-type=PUBLIC_IMAGE")
    nothing = client.DescribeImages(request(Filters=[name_filter("image-type", "PUBLIC")]))
    expect_eq(nothing.TotalCount, 0, "image-type=PUBLIC (exact: no match)")


@check("tencent v3: images hold the SDK model's fields and only its documented values",
       shapes=("default", "real"), difference="5")
def image_model(emu):
    client = cvm(emu)
    offset, seen = 0, []
    while True:
        batch = raw_images(client, Offset=offset, Limit=100)
        seen.extend(batch)
        offset += 100
        if len(batch) < 100:
            break
    expect(seen, "no image")
    for image in seen:
        missing = IMAGE_FIELDS - set(image)
        expect(not missing, "%s lacks %s" % (image.get("ImageId"), sorted(missing)))
    def values(key):
        return {i[key] for i in seen if i[key] is not None}
    expect(values("ImageType") <= IMAGE_TYPES, "ImageType values %s" % sorted(values("ImageType")))
    expect(values("ImageSource") <= IMAGE_SOURCES, "ImageSource values %s" % sorted(values("ImageSource")))
    expect(values("ImageState") <= IMAGE_STATES, "ImageState values %s" % sorted(values("ImageState")))
    expect(values("Architecture") <= ARCHITECTURES, "Architecture values %s" % sorted(values("Architecture")))
    expect(values("LicenseType") <= LICENSE_TYPES, "LicenseType values %s" % sorted(values("LicenseType")))
    expect("CREATE_IMAGE" in values("ImageSource"), "no CREATE_IMAGE image")
    for image in seen:
        expect(image["ImageDeprecated"] is None or isinstance(image["ImageDeprecated"], bool),
               "ImageDeprecated of %s is %r" % (image["ImageId"], image["ImageDeprecated"]))
    parsed = models.DescribeImagesResponse()
    parsed._deserialize({"ImageSet": seen, "TotalCount": len(seen), "RequestId": "x"})
    expect_eq(len(parsed.ImageSet), len(seen), "images the SDK model decoded")
