/*
 * Start-up of the NativeAOT CLI: before main, map the zero-filled part of the executable's writable segment (.bss and
 * NativeAOT's .hydrated section) in one call, with transparent huge pages where they fit.
 *
 * Why: the first thing the NativeAOT runtime does is unpack ("rehydrate") its type data — about 4.3 MB for mxref —
 * into .hydrated. Touched 4 KiB at a time that is over a thousand page faults, and on a virtual machine each first
 * touch of a page costs far more than the copy (docs/PERFORMANCE.md, "Command start-up": rehydration was about 70 % of
 * `mxref --version`'s CPU). MADV_HUGEPAGE makes each 2 MiB-aligned stretch inside the range one huge page, and
 * MADV_POPULATE_WRITE (Linux 5.14) then maps the whole range in one system call instead of one fault per page; the
 * runtime writes every page of .hydrated anyway, so nothing is mapped that would not be. Both are requests: on an
 * older kernel, or with transparent huge pages off, a call fails or does nothing and the pages fault in as before.
 * The bytes are the same either way.
 *
 * Runs from .init_array, after the dynamic loader and before the runtime's main.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static int advise_writable_zero_fill(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    if (info->dlpi_name != 0 && info->dlpi_name[0] != 0) return 0; /* the executable is listed first, unnamed */
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type != PT_LOAD || !(p->p_flags & PF_W) || p->p_memsz <= p->p_filesz) continue;
        /* Only the anonymous, zero-filled part: whole pages past the file-backed data. */
        uintptr_t lo = info->dlpi_addr + p->p_vaddr + p->p_filesz, hi = info->dlpi_addr + p->p_vaddr + p->p_memsz;
        lo = (lo + 4095) & ~(uintptr_t)4095;
        hi &= ~(uintptr_t)4095;
        if (hi > lo)
        {
            madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
            madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
        }
    }
    return 1;
}

__attribute__((constructor)) static void mxref_prefault(void)
{
    dl_iterate_phdr(advise_writable_zero_fill, 0);
}
