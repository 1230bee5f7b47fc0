@{header}
provisioner "shell" {
  # @{root_note}
  inline_shebang  = @{inline_shebang}
  execute_command = @{execute_command}
  inline = [
    <<-EOT
@{body}
    EOT
  ]
}
