# The base Linux images of a UCloud zone, newest first.
data "cloudimage_ucloud_images" "linux" {
  zone       = "cn-bj2-02"
  image_type = "Base"
  os_type    = "Linux"
}

output "ucloud_linux_images" {
  value = { for image in data.cloudimage_ucloud_images.linux.images : image.id => image.os_name }
}
