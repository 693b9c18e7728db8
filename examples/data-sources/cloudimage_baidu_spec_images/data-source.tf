# Public images that can run on a GPU instance spec.
data "cloudimage_baidu_spec_images" "gpu" {
  spec = "bcc.gn5.c8m32.1v100"
}

output "baidu_gpu_image_names" {
  value = data.cloudimage_baidu_spec_images.gpu.images[*].name
}
