//===- LoRA.cpp - LoRA adapters in the PEFT layout -------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "LoRA.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace mlir::quantx;

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::unique_ptr<LoRAAdapter>> LoRAAdapter::open(llvm::StringRef dir) {
  auto adapter = std::make_unique<LoRAAdapter>();
  adapter->path = dir.str();
  llvm::SmallString<256> configPath(dir);
  llvm::sys::path::append(configPath, "adapter_config.json");
  auto buffer = llvm::MemoryBuffer::getFile(configPath);
  if (!buffer)
    return fail(configPath + ": " + buffer.getError().message());
  llvm::Expected<llvm::json::Value> json = llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return fail(configPath + ": " + llvm::toString(json.takeError()));
  const llvm::json::Object *config = json->getAsObject();
  std::optional<int64_t> r = config ? config->getInteger("r") : std::nullopt;
  std::optional<double> alpha = config ? config->getNumber("lora_alpha") : std::nullopt;
  if (!r || *r <= 0 || !alpha)
    return fail(configPath + ": needs \"r\" (a positive integer) and \"lora_alpha\"");
  if (std::optional<bool> f = config->getBoolean("fan_in_fan_out"); f && *f)
    return fail(configPath + ": fan_in_fan_out adapters (Conv1D layers) are not supported");
  if (std::optional<llvm::StringRef> bias = config->getString("bias"); bias && *bias != "none")
    return fail(configPath + ": LoRA bias '" + *bias + "' is not supported (only \"none\")");
  std::optional<bool> rs = config->getBoolean("use_rslora");
  adapter->rank = *r;
  adapter->scale = rs && *rs ? *alpha / std::sqrt(double(*r)) : *alpha / double(*r);

  llvm::SmallString<256> weightsPath(dir);
  llvm::sys::path::append(weightsPath, "adapter_model.safetensors");
  auto file = params::SafetensorsFile::open(weightsPath);
  if (!file)
    return file.takeError();
  adapter->file = std::move(*file);
  std::map<std::string, std::pair<const params::TensorView *, const params::TensorView *>> found;
  for (const params::TensorView &t : adapter->file->getTensors()) {
    llvm::StringRef name = t.name;
    name.consume_front("base_model.model.");
    bool isA = false;
    llvm::StringRef base;
    for (llvm::StringRef suffix :
         {".lora_A.weight", ".lora_A.default.weight", ".lora_B.weight", ".lora_B.default.weight"})
      if (name.ends_with(suffix)) {
        base = name.drop_back(suffix.size());
        isA = suffix.starts_with(".lora_A");
      }
    if (base.empty())
      return fail(weightsPath + ": tensor '" + t.name +
                  "' is not a LoRA A or B matrix (lora_A/lora_B .weight)");
    (isA ? found[base.str()].first : found[base.str()].second) = &t;
  }
  for (auto &[base, pair] : found) {
    auto [a, b] = pair;
    if (!a || !b)
      return fail(weightsPath + ": layer '" + base + "' has only its lora_" + (a ? "A" : "B") +
                  " matrix");
    if (a->shape.size() != 2 || b->shape.size() != 2 || a->shape[0] != *r ||
        b->shape[1] != *r)
      return fail(weightsPath + ": layer '" + base + "': lora_A must be r x K and lora_B N x r "
                  "with r = " + llvm::Twine(*r) + " (adapter_config.json)");
    for (const params::TensorView *t : {a, b})
      if (t->dtype != params::DType::F32 && t->dtype != params::DType::F16 &&
          t->dtype != params::DType::BF16)
        return fail(weightsPath + ": tensor '" + t->name + "' is not f32, f16 or bf16");
    adapter->layers[base] = Layer{a, b, b->shape[0], a->shape[1]};
  }
  if (adapter->layers.empty())
    return fail(weightsPath + ": no LoRA matrices");
  return adapter;
}

const LoRAAdapter::Layer *LoRAAdapter::find(llvm::StringRef key) const {
  llvm::StringRef base = key;
  if (!base.consume_back(".weight") && !base.consume_back(".qweight"))
    return nullptr;
  auto it = layers.find(base.str());
  return it == layers.end() ? nullptr : &it->second;
}

std::vector<std::string> LoRAAdapter::layerNames() const {
  std::vector<std::string> names;
  for (const auto &entry : layers)
    names.push_back(entry.first);
  return names;
}

std::vector<float> LoRAAdapter::scaledA(const Layer &layer) const {
  std::vector<float> a(rank * layer.k);
  for (int64_t i = 0; i < rank * layer.k; ++i)
    a[i] = float(scale * double(layer.a->getAsFloat(i)));
  return a;
}

std::vector<float> LoRAAdapter::matrixB(const Layer &layer) const {
  std::vector<float> b(layer.n * rank);
  for (int64_t i = 0; i < layer.n * rank; ++i)
    b[i] = layer.b->getAsFloat(i);
  return b;
}

std::vector<float> LoRAAdapter::delta(const Layer &layer) const {
  std::vector<float> b = matrixB(layer);
  std::vector<double> a(rank * layer.k);
  for (int64_t i = 0; i < rank * layer.k; ++i)
    a[i] = layer.a->getAsFloat(i);
  std::vector<float> d(layer.n * layer.k);
  for (int64_t n = 0; n < layer.n; ++n)
    for (int64_t k = 0; k < layer.k; ++k) {
      double sum = 0;
      for (int64_t j = 0; j < rank; ++j)
        sum += double(b[n * rank + j]) * a[j * layer.k + k];
      d[n * layer.k + k] = float(scale * sum);
    }
  return d;
}
