//===- Utils.cpp - helpers shared by the quant-opt transforms -------------===//

#include "QuantOpt/Transforms/Utils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;

std::optional<std::vector<double>> mlir::quantx::getConstantFloatValues(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  std::vector<double> values;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    values.reserve(dense.getNumElements());
    for (APFloat f : dense.getValues<APFloat>())
      values.push_back(f.convertToDouble());
    return values;
  }
  if (auto blob = dyn_cast<DenseF32ResourceElementsAttr>(attr))
    if (std::optional<ArrayRef<float>> data = blob.tryGetAsArrayRef())
      return std::vector<double>(data->begin(), data->end());
  return std::nullopt;
}

static std::string nameFromLoc(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (std::string s = nameFromLoc(l); !s.empty())
        return s;
  if (auto c = dyn_cast<CallSiteLoc>(loc))
    return nameFromLoc(c.getCallee());
  return "";
}

std::string mlir::quantx::nameMatmulLikeOp(Operation *op,
                                           llvm::StringMap<int64_t> &counters) {
  auto func = op->getParentOfType<FunctionOpInterface>();
  std::string fn = func ? func.getName().str() : "";
  int64_t index = counters[fn]++;
  std::string name = nameFromLoc(op->getLoc());
  if (!name.empty())
    return name;
  StringRef kind = op->getName().getStringRef();
  kind = kind.substr(kind.find('.') + 1);
  return fn + "." + kind.str() + "." + std::to_string(index);
}

bool mlir::quantx::isMatmulLike(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.hasPureTensorSemantics() &&
         linalgOp.getNumDpsInputs() == 2 && linalgOp.getNumDpsInits() == 1 &&
         linalg::isaContractionOpInterface(linalgOp);
}
