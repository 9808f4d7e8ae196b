/*===- quant-consumer-c.c - quant-opt from C ---------------------------===*\
|*                                                                          *|
|* Part of the quant-opt project, under the Apache License v2.0 with LLVM  *|
|* Exceptions. See the LICENSE file for license information.               *|
|* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception                 *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/
/* quant-consumer-c MODEL.mlir PIPELINE
 *
 * Uses quant-opt through its C API only (the base for language bindings):
 * registers the dialects and passes, builds and inspects #quantx.scheme
 * attributes, parses MODEL, runs the textual PIPELINE (for example
 * "builtin.module(quantx-ptq{scheme=w4a16 group-size=32})") and prints the
 * result. Exits non-zero on any failure. */

#include "QuantOpt-c/Dialect/QuantX.h"
#include "QuantOpt-c/Passes.h"
#include "QuantOpt-c/Registration.h"

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/Support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void printToFile(MlirStringRef text, void *file) {
  fwrite(text.data, 1, text.length, (FILE *)file);
}

static char *readFile(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    text = NULL;
  }
  if (text)
    text[size] = 0;
  fclose(f);
  return text;
}

/* Prints a scheme and what the getters say about it. */
static void describeScheme(MlirAttribute scheme) {
  mlirAttributePrint(scheme, printToFile, stdout);
  printf(": storage %d, axis %lld, group %lld, narrow %d, bits %u, range [%lld, %lld], element ",
         (int)quantxSchemeAttrGetStorage(scheme), (long long)quantxSchemeAttrGetAxis(scheme),
         (long long)quantxSchemeAttrGetGroupSize(scheme), (int)quantxSchemeAttrIsNarrowRange(scheme),
         quantxSchemeAttrGetStorageBits(scheme), (long long)quantxSchemeAttrGetQuantMin(scheme),
         (long long)quantxSchemeAttrGetQuantMax(scheme));
  mlirTypePrint(quantxSchemeAttrGetStorageElementType(scheme), printToFile, stdout);
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: quant-consumer-c MODEL.mlir PIPELINE\n");
    return 2;
  }
  MlirStringRef version = quantOptGetVersion();
  printf("quant-opt %.*s\n", (int)version.length, version.data);

  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  quantOptRegisterDialects(registry);
  quantOptRegisterPasses();
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  MlirDialect quantx = mlirDialectHandleLoadDialect(mlirGetDialectHandle__quantx__(), ctx);
  MlirStringRef ns = mlirDialectGetNamespace(quantx);
  printf("dialect %.*s\n", (int)ns.length, ns.data);

  MlirLocation loc = mlirLocationUnknownGet(ctx);
  describeScheme(quantxSchemeAttrGet(loc, QuantXStorageKindI8, -1, 0, false));
  describeScheme(quantxSchemeAttrGet(loc, QuantXStorageKindI4, 1, 128, true));
  describeScheme(quantxSchemeAttrGet(loc, QuantXStorageKindNF4, 1, 64, false));
  MlirAttribute parsed =
      mlirAttributeParseGet(ctx, mlirStringRefCreateFromCString("#quantx.scheme<u8, axis = 0>"));
  printf("parsed is a scheme: %d, i32 is a scheme: %d\n", quantxAttributeIsAScheme(parsed),
         quantxAttributeIsAScheme(mlirAttributeParseGet(ctx, mlirStringRefCreateFromCString("1 : i32"))));
  describeScheme(parsed);
  /* A group without an axis is invalid: an error diagnostic, a null attribute. */
  MlirAttribute invalid = quantxSchemeAttrGet(loc, QuantXStorageKindI4, -1, 32, false);
  printf("invalid scheme is null: %d\n", mlirAttributeIsNull(invalid));

  char *text = readFile(argv[1]);
  if (!text) {
    fprintf(stderr, "quant-consumer-c: cannot read %s\n", argv[1]);
    return 1;
  }
  MlirModule module = mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(text));
  free(text);
  if (mlirModuleIsNull(module))
    return 1;

  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  if (mlirLogicalResultIsFailure(mlirParsePassPipeline(
          opm, mlirStringRefCreateFromCString(argv[2]), printToFile, stderr))) {
    fprintf(stderr, "\nquant-consumer-c: bad pipeline\n");
    return 1;
  }
  /* A pass created through its generated C constructor, after the pipeline. */
  mlirPassManagerAddOwnedPass(pm, mlirCreateQuantOptConversionQuantXLowerToLinalg());
  if (mlirLogicalResultIsFailure(mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    return 1;
  mlirOperationPrint(mlirModuleGetOperation(module), printToFile, stdout);
  printf("\n");

  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
