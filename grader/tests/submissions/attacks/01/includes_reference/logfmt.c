/* includes_reference: compiles the reference in by #include of its path (relative to the
 * staged copy, build/staging/01/impl-HASH/src/logfmt.c): without a defence it scores 100.
 * Expected: build_failed .
 * (build_failed: in the sandbox the solutions are empty files, so nothing defines)
 * logfmt_render. */
#include "../../../../../solutions/01-zero-allocation/logfmt.c"
