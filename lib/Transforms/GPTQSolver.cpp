//===- GPTQSolver.cpp - the numerical core of GPTQ ------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "GPTQSolver.h"

#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Transforms/Utils.h"

#include "mlir/IR/Threading.h"

#include <algorithm>
#include <atomic>
#include <cmath>

using namespace mlir;
using namespace mlir::quantx;

namespace {
/// C[0:M, 0:N] += alpha * A[0:M, 0:K] * B[0:K, 0:N] (row-major with leading
/// dimensions), one thread: tiles of B stay in cache while rows of A and C
/// stream; the innermost loop runs along rows of B and C (vectorized).
void gemmTile(int64_t M, int64_t N, int64_t K, double alpha, const double *A, int64_t lda,
              const double *B, int64_t ldb, double *C, int64_t ldc) {
  constexpr int64_t kc = 128, nc = 256;
  for (int64_t k0 = 0; k0 < K; k0 += kc) {
    int64_t k1 = std::min(K, k0 + kc);
    for (int64_t j0 = 0; j0 < N; j0 += nc) {
      int64_t j1 = std::min(N, j0 + nc);
      for (int64_t i = 0; i < M; ++i) {
        double *c = C + i * ldc;
        const double *a = A + i * lda;
        for (int64_t k = k0; k < k1; ++k) {
          double s = alpha * a[k];
          if (s == 0)
            continue;
          const double *b = B + k * ldb;
          for (int64_t j = j0; j < j1; ++j)
            c[j] += s * b[j];
        }
      }
    }
  }
}

/// In-place lower Cholesky factor of `a` (n x n, leading dimension lda),
/// unblocked; the strict upper triangle is left alone. False if not SPD.
bool cholUnblocked(double *a, int64_t n, int64_t lda) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[j * lda + j];
    for (int64_t k = 0; k < j; ++k)
      d -= a[j * lda + k] * a[j * lda + k];
    if (!(d > 0))
      return false;
    d = std::sqrt(d);
    a[j * lda + j] = d;
    for (int64_t i = j + 1; i < n; ++i) {
      double v = a[i * lda + j];
      for (int64_t k = 0; k < j; ++k)
        v -= a[i * lda + k] * a[j * lda + k];
      a[i * lda + j] = v / d;
    }
  }
  return true;
}

/// In-place lower Cholesky factor of the SPD matrix `a` (n x n row-major),
/// right-looking and blocked; zeroes the strict upper triangle.
bool cholesky(MLIRContext *ctx, std::vector<double> &a, int64_t n) {
  constexpr int64_t bs = 128, rowTile = 64;
  std::vector<double> panelT; // the panel transposed: bs x (rows below)
  for (int64_t k0 = 0; k0 < n; k0 += bs) {
    int64_t b = std::min(bs, n - k0), r0 = k0 + b, rest = n - r0;
    if (!cholUnblocked(&a[k0 * n + k0], b, n))
      return false;
    // Panel: L21 = A21 L11^-T, row by row.
    parallelFor(ctx, r0, n, [&](int64_t i) {
      double *row = &a[i * n + k0];
      for (int64_t c = 0; c < b; ++c) {
        double v = row[c];
        for (int64_t t = 0; t < c; ++t)
          v -= row[t] * a[(k0 + c) * n + k0 + t];
        row[c] = v / a[(k0 + c) * n + k0 + c];
      }
    });
    if (!rest)
      break;
    panelT.assign(b * rest, 0.0);
    for (int64_t i = 0; i < rest; ++i)
      for (int64_t c = 0; c < b; ++c)
        panelT[c * rest + i] = a[(r0 + i) * n + k0 + c];
    // Trailing update of the lower triangle: A22 -= L21 L21^T.
    int64_t tiles = (rest + rowTile - 1) / rowTile;
    parallelFor(ctx, 0, tiles, [&](int64_t t) {
      int64_t i0 = t * rowTile, i1 = std::min(rest, i0 + rowTile);
      gemmTile(i1 - i0, i1, b, -1.0, &a[(r0 + i0) * n + k0], n, panelT.data(), rest,
               &a[(r0 + i0) * n + r0], n);
    });
  }
  for (int64_t i = 0; i < n; ++i)
    std::fill(a.begin() + i * n + i + 1, a.begin() + (i + 1) * n, 0.0);
  return true;
}

/// In-place inverse of the lower triangular `l` (n x n row-major), blocked
/// by columns: each block of columns of L^-1 is one forward substitution
/// whose updates are matrix products.
void invertLower(MLIRContext *ctx, std::vector<double> &l, int64_t n) {
  constexpr int64_t bs = 128, rowTile = 256;
  std::vector<double> x(n * bs); // columns [c0, c0 + b) of the inverse
  std::vector<double> inv(n * n, 0.0);
  for (int64_t c0 = 0; c0 < n; c0 += bs) {
    int64_t b = std::min(bs, n - c0);
    std::fill(x.begin(), x.end(), 0.0);
    // Rows of the diagonal block: plain forward substitution.
    for (int64_t i = c0; i < c0 + b; ++i)
      for (int64_t c = 0; c < b; ++c) {
        double v = (i == c0 + c) ? 1.0 : 0.0;
        for (int64_t k = c0; k < i; ++k)
          v -= l[i * n + k] * x[(k - c0) * bs + c];
        x[(i - c0) * bs + c] = v / l[i * n + i];
      }
    // Rows below, one block of rows at a time: X_i = -L_ii^-1 (L_i,[c0,i0) X).
    for (int64_t i0 = c0 + b; i0 < n; i0 += rowTile) {
      int64_t i1 = std::min(n, i0 + rowTile), m = i1 - i0;
      // acc = L[i0:i1, c0:i0] * X[c0:i0, :], the rows split among threads.
      std::vector<double> acc(m * bs, 0.0);
      int64_t chunks = std::max<int64_t>(1, ctx->isMultithreadingEnabled()
                                                ? int64_t(ctx->getNumThreads())
                                                : 1);
      int64_t per = (m + chunks - 1) / chunks;
      parallelFor(ctx, 0, chunks, [&](int64_t ch) {
        int64_t a0 = ch * per, a1 = std::min(m, a0 + per);
        if (a0 >= a1)
          return;
        gemmTile(a1 - a0, b, i0 - c0, 1.0, &l[(i0 + a0) * n + c0], n, x.data(), bs,
                 &acc[a0 * bs], bs);
      });
      for (int64_t i = i0; i < i1; ++i)
        for (int64_t c = 0; c < b; ++c) {
          double v = -acc[(i - i0) * bs + c];
          for (int64_t k = i0; k < i; ++k)
            v -= l[i * n + k] * x[(k - c0) * bs + c];
          x[(i - c0) * bs + c] = v / l[i * n + i];
        }
    }
    for (int64_t i = c0; i < n; ++i)
      for (int64_t c = 0; c < b; ++c)
        inv[i * n + c0 + c] = x[(i - c0) * bs + c];
  }
  l = std::move(inv);
}
} // namespace

FailureOr<std::vector<double>>
mlir::quantx::gptqInverseFactor(MLIRContext *ctx, std::vector<double> h, int64_t K,
                                double damp, double *w, int64_t N) {
  double meanDiag = 0;
  for (int64_t j = 0; j < K; ++j)
    meanDiag += h[j * K + j] / double(K);
  for (int64_t j = 0; j < K; ++j)
    if (h[j * K + j] == 0) {
      h[j * K + j] = 1;
      for (int64_t n = 0; n < N; ++n)
        w[n * K + j] = 0;
    }
  for (int64_t j = 0; j < K; ++j)
    h[j * K + j] += damp * (meanDiag > 0 ? meanDiag : 1.0);
  // With J the reversal permutation and J H J = L L^T, H^-1 = U^T U for
  // U = J L^-1 J (upper triangular, positive diagonal): one Cholesky and
  // one triangular inverse.
  std::vector<double> r(K * K);
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = 0; j < K; ++j)
      r[i * K + j] = h[(K - 1 - i) * K + (K - 1 - j)];
  h = {};
  if (!cholesky(ctx, r, K))
    return failure();
  invertLower(ctx, r, K);
  std::vector<double> u(K * K);
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = 0; j < K; ++j)
      u[i * K + j] = r[(K - 1 - i) * K + (K - 1 - j)];
  return u;
}

void mlir::quantx::gptqQuantize(MLIRContext *ctx, SchemeAttr scheme, double qmax,
                                int64_t group, double *w, int64_t N, int64_t K,
                                const std::vector<double> &U, std::vector<float> &scales,
                                std::vector<int32_t> &zeroPoints) {
  int64_t groups = K / group;
  scales.assign(N * groups, 0.0f);
  zeroPoints.assign(N * groups, 0);
  // Columns in lazy batches: inside a batch each column's error updates the
  // batch's later columns at once; the rest of the row gets the batch's
  // errors in one product. Group starts must see fully updated columns, so
  // batches are aligned with groups.
  int64_t batch = 128;
  if (group < K && batch % group != 0 && group % batch != 0)
    batch = group;
  constexpr int64_t rowTile = 64;
  int64_t tiles = (N + rowTile - 1) / rowTile;
  parallelFor(ctx, 0, tiles, [&](int64_t t) {
    int64_t n0 = t * rowTile, n1 = std::min(N, n0 + rowTile), m = n1 - n0;
    std::vector<double> err(m * batch);
    for (int64_t j0 = 0; j0 < K; j0 += batch) {
      int64_t j1 = std::min(K, j0 + batch), b = j1 - j0;
      for (int64_t j = j0; j < j1; ++j) {
        int64_t g = j / group;
        double d = U[j * K + j];
        for (int64_t r = 0; r < m; ++r) {
          double *row = w + (n0 + r) * K;
          if (j % group == 0) {
            double lo = 0, hi = 0;
            for (int64_t k = j; k < j + group; ++k) {
              lo = std::min(lo, row[k]);
              hi = std::max(hi, row[k]);
            }
            BlockParams p = computeBlockParams(scheme, lo, hi, qmax);
            scales[(n0 + r) * groups + g] = p.scale;
            zeroPoints[(n0 + r) * groups + g] = p.zeroPoint;
          }
          float scale = scales[(n0 + r) * groups + g];
          int32_t zp = zeroPoints[(n0 + r) * groups + g];
          double q = hostDequantize(scheme, hostQuantize(scheme, float(row[j]), scale, zp),
                                    scale, zp);
          double e = (row[j] - q) / d;
          row[j] = q;
          err[r * batch + (j - j0)] = e;
          const double *u = &U[j * K];
          for (int64_t k = j + 1; k < j1; ++k)
            row[k] -= e * u[k];
        }
      }
      if (j1 < K)
        gemmTile(m, K - j1, b, -1.0, err.data(), batch, &U[j0 * K + j1], K, w + n0 * K + j1, K);
    }
  });
}
