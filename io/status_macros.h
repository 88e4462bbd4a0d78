// io/status_macros.h
//
// Status propagation macros (the installed Abseil lacks its own).
#ifndef DKIMBATCH_IO_STATUS_MACROS_H_
#define DKIMBATCH_IO_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DKB_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status dkb_status_ = (expr);       \
    if (!dkb_status_.ok()) return dkb_status_; \
  } while (0)

#define DKB_CONCAT_INNER_(a, b) a##b
#define DKB_CONCAT_(a, b) DKB_CONCAT_INNER_(a, b)
#define DKB_ASSIGN_OR_RETURN(lhs, expr)                   \
  auto DKB_CONCAT_(dkb_statusor_, __LINE__) = (expr);     \
  if (!DKB_CONCAT_(dkb_statusor_, __LINE__).ok())         \
    return DKB_CONCAT_(dkb_statusor_, __LINE__).status(); \
  lhs = std::move(DKB_CONCAT_(dkb_statusor_, __LINE__)).value()

#endif  // DKIMBATCH_IO_STATUS_MACROS_H_
