/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks: Rust's standard library
 * (1.78 and later) imports ProcessPrng from it, so python-calamine and rpds-py fail to load with
 * "DLL load failed". Used by the Wine test harness only (tests/windows/harness.py), never shipped.
 * ProcessPrng fills the buffer through advapi32's RtlGenRandom (SystemFunction036). */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk; length -= chunk;
    }
    return TRUE;
}
