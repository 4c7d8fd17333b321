/* crc32c_x86.S: crc32c_x86_asm (the contract is in crc32c.h), the SSE4.2 crc32 instruction in
 * an assembly file: one stream, 8 bytes per instruction. crc32c_x86 calls it for short buffers
 * and tails; crc32c runs it alone on a CPU with SSE4.2 but no PCLMULQDQ.
 *
 * The System V AMD64 ABI: the arguments arrive in edi (crc), rsi (buf) and rdx (len); the
 * result goes back in eax. rax, rcx, rdx, rsi, rdi and r8-r11 are scratch; rbx, rbp, r12-r15
 * and rsp must hold the caller's values again at ret. The .cfi_ directives describe, at every
 * instruction, where the return address and any saved register are, so that a debugger or a
 * profiler can unwind the stack from inside this function. */
#if defined(__x86_64__)
	.text
	.globl	crc32c_x86_asm
	.type	crc32c_x86_asm, @function
	.p2align 4
crc32c_x86_asm:
	.cfi_startproc
	/* changed: scratch registers only, so nothing to save and no stack to describe: the
	 * return address stays at 0(%rsp), which is what .cfi_startproc already says */
	movl	%edi, %eax
	notl	%eax			/* the register starts at ~crc */
	movq	%rdx, %rcx
	shrq	$3, %rcx		/* rcx: whole 8-byte words */
	jz	2f
1:	crc32q	(%rsi), %rax		/* changed: 8 bytes per crc32; 3 cycles each, in a chain */
	addq	$8, %rsi
	decq	%rcx
	jnz	1b
2:	testb	$4, %dl			/* changed: the last 0-7 bytes in at most three steps */
	jz	3f
	crc32l	(%rsi), %eax
	addq	$4, %rsi
3:	testb	$2, %dl
	jz	4f
	crc32w	(%rsi), %eax
	addq	$2, %rsi
4:	testb	$1, %dl
	jz	5f
	crc32b	(%rsi), %eax
5:	notl	%eax
	ret
	.cfi_endproc
	.size	crc32c_x86_asm, .-crc32c_x86_asm
#endif
	.section .note.GNU-stack,"",%progbits
