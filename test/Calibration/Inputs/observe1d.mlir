func.func @model(%x: tensor<?xf32>) -> tensor<?xf32> {
  %a = quantx.observe "act" %x : tensor<?xf32>
  return %a : tensor<?xf32>
}
