// A stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks: the
// Go runtime (1.22 and later) loads it at start for ProcessPrng and dies
// without it. ProcessPrng forwards to RtlGenRandom (advapi32's
// SystemFunction036), which Wine has. Built and installed by prefix.sh.
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	// RtlGenRandom takes a ULONG: feed it in pieces.
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
