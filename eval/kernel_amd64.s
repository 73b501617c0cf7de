//go:build amd64

#include "textflag.h"

// The pass's kernels with AVX-512 (see kernel_amd64.go): eight words a
// register, the three operands complemented by an xor with a broadcast
// mask, combined, counted with VPOPCNTQ into eight lane sums, and the
// lanes summed at the end. The length is a multiple of eight words; the
// caller handles the rest. Operands are written source first, destination
// last; a []uint64 argument is {base, len, cap}.

// SUMLANES sums the eight 64-bit lanes of Z7 into out.
#define SUMLANES(out)            \
	VEXTRACTI64X4 $1, Z7, Y0    \
	VPADDQ        Y0, Y7, Y0    \
	VEXTRACTI128  $1, Y0, X1    \
	VPADDQ        X1, X0, X0    \
	VPSHUFD       $0x4e, X0, X1 \
	VPADDQ        X1, X0, X0    \
	VMOVQ         X0, out

// COMBINE3 sets Z0 to op of the next vectors of a, b and c, each xor its
// mask (Z4, Z5, Z6), adds its bits to the lane sums Z7, and moves a, b
// and c to their next vector.
#define COMBINE3(op)          \
	VPXORQ   (SI), Z4, Z0    \
	VPXORQ   (R8), Z5, Z1    \
	VPXORQ   (R9), Z6, Z2    \
	op       Z1, Z0, Z0      \
	op       Z2, Z0, Z0      \
	VPOPCNTQ Z0, Z3          \
	VPADDQ   Z3, Z7, Z7      \
	ADDQ     $64, SI         \
	ADDQ     $64, R8         \
	ADDQ     $64, R9

// func kernel3AVX512(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64
TEXT ·kernel3AVX512(SB), NOSPLIT, $0-136
	MOVQ         dst_base+0(FP), DI
	MOVQ         a_base+24(FP), SI
	MOVQ         a_len+32(FP), CX
	MOVQ         b_base+48(FP), R8
	MOVQ         c_base+72(FP), R9
	VPBROADCASTQ ma+96(FP), Z4
	VPBROADCASTQ mb+104(FP), Z5
	VPBROADCASTQ mc+112(FP), Z6
	MOVBLZX      or+120(FP), AX
	VPXORQ       Z7, Z7, Z7
	SHRQ         $3, CX
	JZ           done
	TESTQ        DI, DI
	JZ           count
	TESTQ        AX, AX
	JNZ          or_write

and_write:
	COMBINE3(VPANDQ)
	VMOVDQU64 Z0, (DI)
	ADDQ      $64, DI
	DECQ      CX
	JNZ       and_write
	JMP       done

or_write:
	COMBINE3(VPORQ)
	VMOVDQU64 Z0, (DI)
	ADDQ      $64, DI
	DECQ      CX
	JNZ       or_write
	JMP       done

count:
	TESTQ AX, AX
	JNZ   or_count

and_count:
	COMBINE3(VPANDQ)
	DECQ CX
	JNZ  and_count
	JMP  done

or_count:
	COMBINE3(VPORQ)
	DECQ CX
	JNZ  or_count

done:
	SUMLANES(AX)
	VZEROUPPER
	MOVQ AX, ret+128(FP)
	RET
