//go:build amd64

#include "textflag.h"

// The pass's kernels (kernel3 in kernel_amd64.go): the three operands
// complemented by an xor with a broadcast mask, combined, written unless
// dst is nil, and counted into 64-bit lane sums, the lanes summed at the
// end. With AVX-512, eight words a register counted by VPOPCNTQ; with
// AVX2, four words a register, each half byte counted by a VPSHUFB from
// a table and the bytes summed by VPSADBW. The length is a multiple of
// eight words; the caller handles the rest. Operands are written source
// first, destination last; a []uint64 argument is {base, len, cap}.

// ARGS loads the arguments of a kernel3: dst in DI, a, b and c in SI,
// R8 and R9, the length of a in CX, the masks broadcast into m4, m5 and
// m6, and or in AX.
#define ARGS(m4, m5, m6)              \
	MOVQ         dst_base+0(FP), DI  \
	MOVQ         a_base+24(FP), SI   \
	MOVQ         a_len+32(FP), CX    \
	MOVQ         b_base+48(FP), R8   \
	MOVQ         c_base+72(FP), R9   \
	VPBROADCASTQ ma+96(FP), m4       \
	VPBROADCASTQ mb+104(FP), m5      \
	VPBROADCASTQ mc+112(FP), m6      \
	MOVBLZX      or+120(FP), AX

// SUMLANES sums the eight 64-bit lanes of Z7 into out.
#define SUMLANES(out)            \
	VEXTRACTI64X4 $1, Z7, Y0    \
	VPADDQ        Y0, Y7, Y0    \
	VEXTRACTI128  $1, Y0, X1    \
	VPADDQ        X1, X0, X0    \
	VPSHUFD       $0x4e, X0, X1 \
	VPADDQ        X1, X0, X0    \
	VMOVQ         X0, out

// NEXT3 moves a, b and c (SI, R8, R9) on by n bytes.
#define NEXT3(n) \
	ADDQ n, SI  \
	ADDQ n, R8  \
	ADDQ n, R9

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
	NEXT3($64)

// func kernel3AVX512(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64
TEXT ·kernel3AVX512(SB), NOSPLIT, $0-136
	ARGS(Z4, Z5, Z6)
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

// nibbleBits is the number of bits set in each half byte 0 to 15, twice,
// for VPSHUFB; lowNibbles masks the low half of every byte.
DATA nibbleBits<>+0(SB)/8, $0x0302020102010100
DATA nibbleBits<>+8(SB)/8, $0x0403030203020201
DATA nibbleBits<>+16(SB)/8, $0x0302020102010100
DATA nibbleBits<>+24(SB)/8, $0x0403030203020201
GLOBL nibbleBits<>(SB), RODATA|NOPTR, $32

DATA lowNibbles<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL lowNibbles<>(SB), RODATA|NOPTR, $32

// COMBINE3Y is COMBINE3 with AVX2: four words, the lane sums in Y7, the
// table in Y14, the half-byte mask in Y15 and zero in Y13.
#define COMBINE3Y(op)          \
	VPXOR   (SI), Y4, Y0      \
	VPXOR   (R8), Y5, Y1      \
	VPXOR   (R9), Y6, Y2      \
	op      Y1, Y0, Y0        \
	op      Y2, Y0, Y0        \
	VPAND   Y15, Y0, Y1       \
	VPSRLQ  $4, Y0, Y2        \
	VPAND   Y15, Y2, Y2       \
	VPSHUFB Y1, Y14, Y1       \
	VPSHUFB Y2, Y14, Y2       \
	VPADDB  Y2, Y1, Y1        \
	VPSADBW Y13, Y1, Y1       \
	VPADDQ  Y1, Y7, Y7        \
	NEXT3($32)

// func kernel3AVX2(dst, a, b, c []uint64, ma, mb, mc uint64, or bool) uint64
TEXT ·kernel3AVX2(SB), NOSPLIT, $0-136
	ARGS(Y4, Y5, Y6)
	VMOVDQU      nibbleBits<>(SB), Y14
	VMOVDQU      lowNibbles<>(SB), Y15
	VPXOR        Y13, Y13, Y13
	VPXOR        Y7, Y7, Y7
	SHRQ         $2, CX
	JZ           y_done
	TESTQ        DI, DI
	JZ           y_count
	TESTQ        AX, AX
	JNZ          y_or_write

y_and_write:
	COMBINE3Y(VPAND)
	VMOVDQU Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     y_and_write
	JMP     y_done

y_or_write:
	COMBINE3Y(VPOR)
	VMOVDQU Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     y_or_write
	JMP     y_done

y_count:
	TESTQ AX, AX
	JNZ   y_or_count

y_and_count:
	COMBINE3Y(VPAND)
	DECQ CX
	JNZ  y_and_count
	JMP  y_done

y_or_count:
	COMBINE3Y(VPOR)
	DECQ CX
	JNZ  y_or_count

y_done:
	VEXTRACTI128 $1, Y7, X0
	VPADDQ       X0, X7, X0
	VPSHUFD      $0x4e, X0, X1
	VPADDQ       X1, X0, X0
	VMOVQ        X0, AX
	VZEROUPPER
	MOVQ         AX, ret+128(FP)
	RET
