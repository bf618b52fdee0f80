/* LD_PRELOAD shim for run.sh: counts memcpy/memmove calls of at least
 * MC_MIN bytes (default 128) by calling address and size, and writes the
 * table to MC_OUT at exit. Profiling only; never linked into the crate. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <unistd.h>
typedef void *(*cpy_t)(void *, const void *, size_t);
static cpy_t real_memcpy, real_memmove;
#define N (1 << 16)
struct e { uintptr_t ra; size_t sz; unsigned long n; };
static struct e tab[N];
static volatile int lock;
static int on;
static size_t minsz = 128;
static void rec(uintptr_t ra, size_t sz) {
  while (__sync_lock_test_and_set(&lock, 1)) ;
  size_t h = ((ra * 0x9E3779B97F4A7C15ull) ^ (sz * 0x85EBCA6Bull)) & (N - 1);
  for (size_t i = 0; i < N; i++) {
    struct e *p = &tab[(h + i) & (N - 1)];
    if (p->n == 0) { p->ra = ra; p->sz = sz; p->n = 1; break; }
    if (p->ra == ra && p->sz == sz) { p->n++; break; }
  }
  __sync_lock_release(&lock);
}
static void *slow(void *d, const void *s, size_t n) {
  unsigned char *dd = d; const unsigned char *ss = s;
  if (dd < ss) for (size_t i = 0; i < n; i++) dd[i] = ss[i];
  else for (size_t i = n; i > 0; i--) dd[i-1] = ss[i-1];
  return d;
}
void *memcpy(void *d, const void *s, size_t n) {
  if (!real_memcpy) return slow(d, s, n);
  if (on && n >= minsz) rec((uintptr_t)__builtin_return_address(0), n);
  return real_memcpy(d, s, n);
}
void *memmove(void *d, const void *s, size_t n) {
  if (!real_memmove) return slow(d, s, n);
  if (on && n >= minsz) rec((uintptr_t)__builtin_return_address(0) | 1ull<<63, n);
  return real_memmove(d, s, n);
}
__attribute__((constructor)) static void init(void) {
  real_memcpy = (cpy_t)dlsym(RTLD_NEXT, "memcpy");
  real_memmove = (cpy_t)dlsym(RTLD_NEXT, "memmove");
  if (getenv("MC_MIN")) minsz = atoi(getenv("MC_MIN"));
  on = getenv("MC_OUT") != NULL;
}
__attribute__((destructor)) static void fini(void) {
  if (!on) return;
  on = 0;
  FILE *f = fopen(getenv("MC_OUT"), "w");
  for (size_t i = 0; i < N; i++) if (tab[i].n) {
    uintptr_t ra = tab[i].ra & ~(1ull<<63);
    Dl_info info; long off = -1; const char *name = "?";
    if (dladdr((void *)ra, &info)) { off = ra - (uintptr_t)info.dli_fbase; name = info.dli_fname; }
    fprintf(f, "%s %lx %s %zu %lu\n", (tab[i].ra >> 63) ? "mv" : "cp", off, name, tab[i].sz, tab[i].n);
  }
  fclose(f);
}
