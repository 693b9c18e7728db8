# The newest Ubuntu 22.04-or-later x86_64 image on each of the three clouds, still inside its support window.
data "cloudimage_images" "ubuntu" {
  os_family    = "ubuntu"
  version      = ">= 22.04"
  architecture = "x86_64"
  exclude_eol  = true
}

locals {
  # Images come newest first across clouds, so the first of each cloud is its newest.
  newest_ubuntu = {
    for cloud in distinct(data.cloudimage_images.ubuntu.images[*].cloud) :
    cloud => [for i in data.cloudimage_images.ubuntu.images : i if i.cloud == cloud][0]
  }
}

output "newest_ubuntu" {
  value = { for cloud, i in local.newest_ubuntu : cloud => "${i.id} ${i.name} (Ubuntu ${i.version}, EOL ${i.eol_date})" }
}
