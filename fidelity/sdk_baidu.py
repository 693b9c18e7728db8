"""Baidu BCC through bce-python-sdk's own `BccClient`: `GET /v2/image` (`list_images`) and
`GET /v2/image/getAvailableImagesBySpec`, BCE auth v1 as the SDK signs it, BCE's error envelope as the
SDK parses it (`baidubce.http.handler.parse_error` reads `code`, `message` and `requestId`)."""

import contextlib
import json
import time

from baidubce import protocol
from baidubce.auth import bce_v1_signer
from baidubce.auth.bce_credentials import BceCredentials
from baidubce.bce_client_configuration import BceClientConfiguration
from baidubce.exception import BceHttpClientError, BceServerError
from baidubce.http import http_methods
from baidubce.retry.retry_policy import NoRetryPolicy
from baidubce.services.bcc.bcc_client import BccClient

from harness import BAIDU_AK, BAIDU_SK, check, expect, expect_eq

# `ImageModel` as bce-sdk-go (services/bcc/api/model.go) and the BCC API appendix define it.
IMAGE_FIELDS = {
    "id", "name", "type", "osType", "osVersion", "osArch", "osName", "osBuild", "osLang", "createTime",
    "status", "desc", "specialVersion", "package", "encrypted", "minDiskGb", "diskSize", "ephemeralSize",
    "snapshots", "shareToUserNumLimit", "sharedToUserNum",
}
# `SnapshotModel` (the data-disk snapshots of a "package" image).
SNAPSHOT_FIELDS = {
    "id", "name", "sizeInGB", "createTime", "status", "createMethod", "volumeId", "desc", "expireTime",
    "package", "templateId", "insnapId", "encrypted",
}
# `SystemImageModel` of the spec API (seed 000).
SYSTEM_IMAGE_FIELDS = {"imageId", "imageName", "osType", "osVersion", "osArch", "osName", "osLang", "minSizeInGiB"}
# bce-sdk-go's `ImageStatus` constants.
IMAGE_STATES = {"Creating", "CreateFailed", "Available", "NotAvailable", "Error"}
IMAGE_TYPES = ["System", "BbcSystem", "Custom", "Integration", "Sharing", "GpuBccSystem", "GpuBccCustom",
               "FpgaBccSystem", "FpgaBccCustom"]
SPECS = ["bcc.g5.c2m8", "bcc.ic4.c1m1", "bcc.gn5.c8m32.1v100", "bcc.km1.c4m8", "bcc.f1.c16m64"]
SPEC_PATH = b"/image/getAvailableImagesBySpec"
MAX_PAGES = 10_000


def client(emu, ak=BAIDU_AK, sk=BAIDU_SK):
    config = BceClientConfiguration(
        credentials=BceCredentials(ak, sk),
        endpoint=emu.hostport,
        protocol=protocol.HTTP,
        retry_policy=NoRetryPolicy(),
    )
    return BccClient(config)


def raw(response):
    return json.loads(response.raw_data)


def server_error(call):
    """The BceServerError the SDK raises for `call()`, or a failure saying what it did instead."""
    try:
        call()
    except BceHttpClientError as e:
        inner = e.last_error
        expect(
            isinstance(inner, BceServerError),
            "the SDK failed with %s: %s instead of a BceServerError" % (type(inner).__name__, inner),
        )
        return inner
    except BceServerError as e:
        return e
    raise AssertionError("the request succeeded, but it should have been refused")


def list_pages(bcc, max_keys=None, **kw):
    pages, marker = [], None
    for _ in range(MAX_PAGES):
        page = bcc.list_images(marker=marker, max_keys=max_keys, **kw)
        pages.append((marker, page))
        if not page.is_truncated:
            return pages
        expect(page.next_marker, "isTruncated without nextMarker")
        marker = page.next_marker
    raise AssertionError("more than %d pages" % MAX_PAGES)


def spec_pages(bcc, spec, max_keys=None, os_name=None):
    pages, marker = [], None
    for _ in range(MAX_PAGES):
        params = {"spec": spec}
        if marker is not None:
            params["marker"] = marker
        if max_keys is not None:
            params["maxKeys"] = max_keys
        if os_name is not None:
            params["osName"] = os_name
        # The SDK's own request path (signing, sending, parsing) on the documented URL: its
        # get_available_images_by_spec method asks for another path (see the check below).
        page = bcc._send_request(http_methods.GET, SPEC_PATH, params=params)
        pages.append((marker, page))
        if not page.is_truncated:
            return pages
        marker = page.next_marker
    raise AssertionError("more than %d pages" % MAX_PAGES)


def check_envelope(pages, max_keys):
    """BCE's marker envelope on every page: the marker echoed (the first image's id when none was sent,
    as seed 001/000's samples show), nextMarker only while truncated, maxKeys echoed."""
    for i, (sent, page) in enumerate(pages):
        body = raw(page)
        images = body["images"]
        first = images[0].get("id", images[0].get("imageId")) if images else None
        want = sent if sent is not None else first
        if want is not None:
            expect_eq(body.get("marker"), want, "marker echoed on page %d" % i)
        if page.is_truncated:
            expect("nextMarker" in body, "page %d is truncated but has no nextMarker" % i)
        else:
            expect("nextMarker" not in body, "the last page carries nextMarker %r" % body.get("nextMarker"))
        if max_keys is not None:
            expect_eq(body.get("maxKeys"), max_keys, "maxKeys echoed")
            expect(len(images) <= max_keys, "page %d holds %d > maxKeys images" % (i, len(images)))


def ids(pages, key="id"):
    return [getattr(img, key) for _, page in pages for img in page.images]


@check("baidu: list_images pages through every image with the SDK's marker and maxKeys", shapes=("default", "real"),
       difference="8")
def list_every_page(emu):
    bcc = client(emu)
    default = list_pages(bcc)
    small = list_pages(bcc, max_keys=250)
    check_envelope(default, None)
    check_envelope(small, 250)
    everything = ids(default)
    expect(len(everything) > 1000, "only %d images" % len(everything))
    expect_eq(len(set(everything)), len(everything), "distinct ids")
    expect_eq(ids(small), everything, "the same images in the same order with maxKeys=250")
    expect_eq(len(default), (len(everything) + 999) // 1000, "pages of the default maxKeys (1000)")


@check("baidu: an unmarked first page echoes its first image id as marker", difference="8")
def first_marker(emu):
    page = client(emu).list_images(max_keys=3)
    body = raw(page)
    expect_eq(body.get("marker"), body["images"][0]["id"], "marker of a request without one")


@check("baidu: every image carries the official ImageModel's fields", shapes=("default", "real"), difference="8")
def image_model(emu):
    for _, page in list_pages(client(emu)):
        for image in raw(page)["images"]:
            missing = IMAGE_FIELDS - set(image)
            expect(not missing, "image %s lacks %s" % (image.get("id"), sorted(missing)))
            for key in ("package", "encrypted"):
                expect(isinstance(image[key], bool), "%s of %s is %r" % (key, image["id"], image[key]))
            for key in ("minDiskGb", "diskSize", "ephemeralSize"):
                expect(isinstance(image[key], int), "%s of %s is %r" % (key, image["id"], image[key]))
            expect(isinstance(image["snapshots"], list), "snapshots of %s is %r" % (image["id"], image["snapshots"]))
            for snap in image["snapshots"]:
                missing = SNAPSHOT_FIELDS - set(snap)
                expect(not missing, "a snapshot of %s lacks %s" % (image["id"], sorted(missing)))


@check("baidu: states are the SDK's ImageStatus values (CreateFailed, not CreatedFailed)", difference="8")
def image_states(emu):
    states = {img.status for _, page in list_pages(client(emu)) for img in page.images}
    expect(states <= IMAGE_STATES, "states outside bce-sdk-go's ImageStatus: %s" % sorted(states - IMAGE_STATES))
    expect("CreateFailed" in states, "no CreateFailed image in the catalogue (states: %s)" % sorted(states))


@check("baidu: imageType and imageName select what the SDK asks for")
def type_and_name(emu):
    bcc = client(emu)
    total = 0
    for image_type in IMAGE_TYPES:
        got = [img for _, page in list_pages(bcc, image_type=image_type) for img in page.images]
        expect(got, "no %s image" % image_type)
        expect({img.type for img in got} == {image_type}, "imageType=%s returned other types" % image_type)
        total += len(got)
    expect_eq(total, len(ids(list_pages(bcc))), "the types add up to imageType=All")
    named = [img.name for _, page in list_pages(bcc, image_type="Custom", image_name="web") for img in page.images]
    expect(named and all("web" in n for n in named), "imageName=web: %r" % named[:5])


@check("baidu: the SDK's get_available_images_by_spec (an unserved path) fails as a BCE error, not a crash",
       difference="7")
def spec_method_of_the_sdk(emu):
    err = server_error(lambda: client(emu).get_available_images_by_spec(spec=SPECS[0]))
    expect_eq(err.status_code, 404, "HTTP status of an unknown path")
    expect(err.code and err.request_id, "code %r, requestId %r" % (err.code, err.request_id))


@check("baidu: an unknown path answers BCE's {code, message, requestId}", difference="7")
def unknown_path(emu):
    err = server_error(lambda: client(emu)._send_request(http_methods.GET, b"/no/such/api"))
    expect_eq(err.status_code, 404, "HTTP status")
    expect(err.code and err.request_id and str(err), "code %r, requestId %r" % (err.code, err.request_id))


@check("baidu: getAvailableImagesBySpec pages every spec through the SDK (maxKeys 7, default 10, max 100)",
       shapes=("default", "real"))
def spec_every_page(emu):
    bcc = client(emu)
    for spec in SPECS:
        small = spec_pages(bcc, spec, max_keys=7)
        default = spec_pages(bcc, spec)
        large = spec_pages(bcc, spec, max_keys=1000)
        check_envelope(small, 7)
        check_envelope(default, 10)
        check_envelope(large, 100)
        everything = ids(small, "image_id")
        expect_eq(ids(default, "image_id"), everything, "%s: maxKeys=7 and the default list the same" % spec)
        expect_eq(ids(large, "image_id"), everything, "%s: maxKeys=1000 (clamped to 100)" % spec)
        for _, page in small:
            for image in raw(page)["images"]:
                missing = SYSTEM_IMAGE_FIELDS - set(image)
                expect(not missing, "%s: %s lacks %s" % (spec, image.get("imageId"), sorted(missing)))
    ubuntu = [img.os_name for _, p in spec_pages(bcc, SPECS[0], os_name="Ubuntu") for img in p.images]
    expect(ubuntu and set(ubuntu) == {"Ubuntu"}, "osName=Ubuntu: %r" % sorted(set(ubuntu)))


@check("baidu: a wrong secret key is refused with 403 SignatureDoesNotMatch")
def wrong_secret(emu):
    err = server_error(lambda: client(emu, sk="not-the-secret").list_images(max_keys=1))
    expect_eq((err.status_code, err.code), (403, "SignatureDoesNotMatch"), "status and code")


@check("baidu: an unknown access key is refused with 403 InvalidAccessKeyId")
def unknown_key(emu):
    err = server_error(lambda: client(emu, ak="no-such-ak").list_images(max_keys=1))
    expect_eq((err.status_code, err.code), (403, "InvalidAccessKeyId"), "status and code")


@contextlib.contextmanager
def signer(wrap):
    original = bce_v1_signer.sign
    bce_v1_signer.sign = wrap(original)
    try:
        yield
    finally:
        bce_v1_signer.sign = original


@check("baidu: an expired signature (timestamp + 1800 s in the past) is refused with RequestExpired")
def expired(emu):
    def stale(sign):
        def signed_long_ago(credentials, method, path, headers, params, **kw):
            return sign(credentials, method, path, headers, params, timestamp=int(time.time()) - 7200)

        return signed_long_ago

    with signer(stale):
        err = server_error(lambda: client(emu).list_images(max_keys=1))
    expect_eq((err.status_code, err.code), (400, "RequestExpired"), "status and code")


@check("baidu: a request altered after signing is refused with SignatureDoesNotMatch")
def tampered(emu):
    def other_query(sign):
        def signs_something_else(credentials, method, path, headers, params, **kw):
            return sign(credentials, method, path, headers, dict(params, maxKeys=999), **kw)

        return signs_something_else

    with signer(other_query):
        err = server_error(lambda: client(emu).list_images(max_keys=1))
    expect_eq((err.status_code, err.code), (403, "SignatureDoesNotMatch"), "status and code")
