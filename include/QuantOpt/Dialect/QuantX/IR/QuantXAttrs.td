//===- QuantXAttrs.td - quantx attributes ------------------*- tablegen -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTX_ATTRS
#define QUANTX_ATTRS

include "QuantOpt/Dialect/QuantX/IR/QuantXDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def QuantX_StorageKind : I32EnumAttr<"StorageKind",
    "storage kind of quantized values", [
      I32EnumAttrCase<"i8", 0>,
      I32EnumAttrCase<"u8", 1>,
      I32EnumAttrCase<"i4", 2>,
      I32EnumAttrCase<"u4", 3>,
      I32EnumAttrCase<"nf4", 4>,
      I32EnumAttrCase<"f8E4M3FN", 5>,
      I32EnumAttrCase<"f8E5M2", 6>
    ]> {
  let cppNamespace = "::mlir::quantx";
  let genSpecializedAttr = 0;
}

def QuantX_SchemeAttr : AttrDef<QuantX_Dialect, "Scheme"> {
  let mnemonic = "scheme";
  let summary = "How values are quantized: storage kind and granularity";
  let description = [{
    A quantization scheme. Syntax:

    ```
    #quantx.scheme<STORAGE (, axis = A)? (, group = G)? (, narrow)?>
    ```

    * `STORAGE` is one of `i8`, `u8`, `i4`, `u4`, `nf4`, `f8E4M3FN`,
      `f8E5M2`.
    * Without `axis` the scheme is per tensor: one scale (a rank-0 tensor).
    * `axis = A` alone is per channel along dimension `A`: the scale is a
      rank-1 tensor with one entry per index of dimension `A`.
    * `axis = A, group = G` is group-wise (blocked): each run of `G`
      consecutive elements along dimension `A` shares a scale. The scale has
      the rank of the quantized tensor and its dimension `A` is `size / G`.
      `G` must divide the dimension.
    * `narrow` drops the lowest integer code, so `i8` spans `[-127, 127]`,
      `u8` `[1, 255]`, `i4` `[-7, 7]`, `u4` `[1, 15]` (the convention of
      upstream `!quant.uniform` and TensorFlow's `narrow_range`).

    Examples:

    ```mlir
    #quantx.scheme<i8>                      // per tensor
    #quantx.scheme<u8, axis = 0>            // per channel along dim 0
    #quantx.scheme<i4, axis = 1, group = 128>
    #quantx.scheme<nf4, axis = 1, group = 64>
    #quantx.scheme<i8, axis = 0, narrow>
    ```
  }];
  let parameters = (ins
    "StorageKind":$storage,
    "std::optional<int64_t>":$axis,
    "std::optional<int64_t>":$groupSize,
    "bool":$narrowRange
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// True for i8/u8/i4/u4.
    bool isInteger() const;
    /// True for u8/u4.
    bool isUnsigned() const;
    /// True for f8E4M3FN/f8E5M2.
    bool isFloat8() const;
    /// True for the kinds stored in 4 bits (i4, u4, nf4).
    bool isSubByte() const;
    /// Number of bits of one stored value.
    unsigned getStorageBits() const;
    /// The builtin element type that holds one stored value.
    Type getStorageElementType() const;
    /// Smallest and largest integer code (integer kinds only), honouring
    /// `narrow`.
    int64_t getQuantMin() const;
    int64_t getQuantMax() const;
    bool isPerTensor() const { return !getAxis(); }
    bool isPerChannel() const { return getAxis() && !getGroupSize(); }
    bool isGrouped() const { return getGroupSize().has_value(); }
  }];
}

#endif // QUANTX_ATTRS
