// Signless 8-bit results come back as uint8 when the function marks them
// {quantx.unsigned} or when the 8-bit arguments were given as uint8, and
// as int8 otherwise.
// RUN: %python %S/Inputs/npytool.py write %t.u.npy u1 3 1,128,255
// RUN: %python %S/Inputs/npytool.py write %t.i.npy i1 3 1,-128,-1
// RUN: quant-run %s -e inc -i %t.u.npy -o %t.u
// RUN: %python %S/Inputs/npytool.py print %t.u/inc.0.npy | FileCheck %s --check-prefix=U8
// U8: |u1 (3,)
// U8-NEXT: 2 129 0
// RUN: quant-run %s -e inc -i %t.i.npy -o %t.i
// RUN: %python %S/Inputs/npytool.py print %t.i/inc.0.npy | FileCheck %s --check-prefix=I8
// I8: |i1 (3,)
// I8-NEXT: 2 -127 0
// RUN: quant-run %s -e codes -i %t.i.npy -o %t.c
// RUN: %python %S/Inputs/npytool.py print %t.c/codes.0.npy | FileCheck %s --check-prefix=ATTR
// ATTR: |u1 (3,)
// ATTR-NEXT: 1 128 255
func.func @inc(%x: tensor<3xi8>) -> tensor<3xi8> {
  %one = arith.constant dense<1> : tensor<3xi8>
  %y = arith.addi %x, %one : tensor<3xi8>
  return %y : tensor<3xi8>
}
func.func @codes(%x: tensor<3xi8>) -> (tensor<3xi8> {quantx.unsigned}) {
  return %x : tensor<3xi8>
}
