"""UCloud UHost `DescribeImage` through ucloud-sdk-python3's own client (`Client(...).uhost()`), signed
and encoded by the SDK (`ImageIds.N`, `PriceSet`), its response loaded by `DescribeImageResponseSchema`,
errors raised as `RetCodeException`."""

import logging

from ucloud.client import Client
from ucloud.core import exc
from ucloud.core.transport import RequestsTransport

from harness import UCLOUD_PRIVATE, UCLOUD_PUBLIC, check, expect, expect_eq

# `UHostImageSetSchema` of ucloud-sdk-python3 (services/uhost/schemas/models.py).
IMAGE_FIELDS = {
    "CreateTime", "DataSnapshotIds", "Features", "FuncType", "ImageDescription", "ImageId", "ImageName",
    "ImageSize", "ImageType", "IntegratedSoftware", "Links", "MaintainEol", "MinimalCPU", "OsName", "OsType",
    "PrimarySoftware", "SceneCategories", "State", "SupportedGPUTypes", "Tag", "Vendor", "Zone",
}
# `BasePriceSetSchema`.
PRICE_FIELDS = {"ChargeType", "OriginalPrice", "Price"}
REGIONS = ["cn-bj2", "cn-sh2", "hk", "us-ws"]

QUIET = logging.getLogger("fidelity.ucloud")
QUIET.addHandler(logging.NullHandler())
QUIET.propagate = False


def uhost(emu, region="cn-bj2", public=UCLOUD_PUBLIC, private=UCLOUD_PRIVATE, transport=None):
    config = {
        "region": region,
        "public_key": public,
        "private_key": private,
        "base_url": emu.url,
        "max_retries": 0,
    }
    return Client(config, transport=transport, logger=QUIET).uhost()


def all_pages(client, limit, **req):
    images, offset, total = [], 0, None
    while True:
        page = client.describe_image(dict(req, Offset=offset, Limit=limit))
        total = page["TotalCount"] if total is None else total
        expect_eq(page["TotalCount"], total, "TotalCount at offset %d" % offset)
        images.extend(page["ImageSet"])
        offset += limit
        if offset >= total:
            return images, total
        expect(page["ImageSet"], "an empty page at offset %d of %d" % (offset - limit, total))


def refused(call):
    try:
        call()
    except exc.RetCodeException as e:
        return e
    raise AssertionError("the request succeeded, but it should have been refused")


@check("ucloud: describe_image pages every region with Offset/Limit up to TotalCount", shapes=("default", "real"))
def every_page(emu):
    for region in REGIONS:
        client = uhost(emu, region)
        big, total = all_pages(client, 100)
        small, _ = all_pages(client, 37)
        expect_eq(len(big), total, "%s: images listed vs TotalCount" % region)
        ids = [i["ImageId"] for i in big]
        expect_eq(len(set(ids)), len(ids), "%s: distinct ids" % region)
        expect_eq([i["ImageId"] for i in small], ids, "%s: Limit=37 lists the same" % region)
        if region == "cn-bj2":
            expect(total > 200, "cn-bj2 has only %d images" % total)


@check("ucloud: ImageIds.N returns exactly the images asked for", difference="6")
def image_ids(emu):
    client = uhost(emu)
    first = client.describe_image({"Limit": 5})["ImageSet"]
    wanted = [first[1]["ImageId"], first[3]["ImageId"]]
    got = client.describe_image({"ImageIds": wanted})
    expect_eq(sorted(i["ImageId"] for i in got["ImageSet"]), sorted(wanted), "images of ImageIds.0/1")
    expect_eq(got["TotalCount"], 2, "TotalCount")
    one = client.describe_image({"ImageId": wanted[0]})
    expect_eq([i["ImageId"] for i in one["ImageSet"]], wanted[:1], "ImageId")


@check("ucloud: PriceSet=1 returns BasePriceSet prices as floats, and only then", shapes=("default", "real"),
       difference="6")
def price_set(emu):
    client = uhost(emu)
    priced = client.invoke("DescribeImage", {"Limit": 50, "PriceSet": 1})["ImageSet"]
    expect(priced, "no image")
    with_prices = [i for i in priced if i.get("PriceSet")]
    expect(with_prices, "PriceSet=1, yet no image has a PriceSet")
    for image in with_prices:
        for price in image["PriceSet"]:
            expect_eq(set(price), PRICE_FIELDS, "fields of a PriceSet of %s" % image["ImageId"])
            for key in ("Price", "OriginalPrice"):
                expect(isinstance(price[key], float), "%s of %s is %r" % (key, image["ImageId"], price[key]))
    loaded = client.describe_image({"Limit": 50, "PriceSet": 1})["ImageSet"]
    expect(any(i.get("PriceSet") for i in loaded), "the SDK's schema kept no PriceSet")
    plain = client.invoke("DescribeImage", {"Limit": 50})["ImageSet"]
    expect(not any(i.get("PriceSet") for i in plain), "prices sent without PriceSet=1")


@check("ucloud: every image carries UHostImageSet's fields, CreateTime an integer", shapes=("default", "real"))
def image_model(emu):
    for region in REGIONS[:3]:
        images = uhost(emu, region).invoke("DescribeImage", {"Limit": 1000})["ImageSet"]
        for image in images:
            missing = IMAGE_FIELDS - set(image)
            expect(not missing, "%s lacks %s" % (image.get("ImageId"), sorted(missing)))
            expect(isinstance(image["CreateTime"], int), "CreateTime of %s is %r" % (image["ImageId"], image["CreateTime"]))


@check("ucloud: ImageType, OsType, Zone and FuncType filter; a bad FuncType is ignored")
def filters(emu):
    client = uhost(emu)
    everything, total = all_pages(client, 100)
    for image_type in ("Base", "Business", "Custom"):
        got, _ = all_pages(client, 100, ImageType=image_type)
        expect(got and {i["ImageType"] for i in got} == {image_type}, "ImageType=%s" % image_type)
    windows, _ = all_pages(client, 100, OsType="Windows")
    expect(windows and {i["OsType"] for i in windows} == {"Windows"}, "OsType=Windows")
    gpu, _ = all_pages(client, 100, FuncType="gpu")
    expect(gpu and {i["FuncType"] for i in gpu} == {"gpu"}, "FuncType=gpu")
    _, ignored = all_pages(client, 100, FuncType="no-such-func-type")
    expect_eq(ignored, total, "TotalCount with an invalid FuncType (ignored, as documented)")
    zoned, _ = all_pages(client, 100, Zone="cn-bj2-03")
    expect(zoned and all(i["Zone"] in ("cn-bj2-03", "") for i in zoned), "Zone=cn-bj2-03")


@check("ucloud: a wrong private key is refused with RetCode 171")
def wrong_private_key(emu):
    err = refused(lambda: uhost(emu, private="not-the-key").describe_image({"Limit": 1}))
    expect_eq(err.code, 171, "RetCode")


@check("ucloud: an unknown public key is refused with RetCode 172")
def unknown_public_key(emu):
    err = refused(lambda: uhost(emu, public="no-such-key").describe_image({"Limit": 1}))
    expect_eq(err.code, 172, "RetCode")


class Tampering(RequestsTransport):
    """Changes a signed parameter after the SDK signed it, as a meddling proxy would."""

    def send(self, req, **options):
        req.data["Limit"] = "7"
        return super().send(req, **options)


@check("ucloud: a request altered after signing is refused with RetCode 171")
def tampered(emu):
    err = refused(lambda: uhost(emu, transport=Tampering()).describe_image({"Limit": 1}))
    expect_eq(err.code, 171, "RetCode")
