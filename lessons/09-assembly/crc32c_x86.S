/* crc32c_x86.S: crc32c_x86_asm (the contract is in crc32c.h), the SSE4.2 crc32 instruction in
 * an assembly file. Correct, and slow: one byte per instruction.
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
	pushq	%rbx			/* rbx is callee-saved: keep the caller's value */
	.cfi_adjust_cfa_offset 8	/* the return address is now 16 bytes above rsp */
	.cfi_rel_offset %rbx, 0		/* and the caller's rbx is at 0(%rsp) */
	movl	%edi, %eax
	notl	%eax			/* the register starts at ~crc */
	leaq	(%rsi,%rdx), %rbx	/* where the loop stops: buf + len */
	cmpq	%rbx, %rsi
	je	2f
1:	crc32b	(%rsi), %eax		/* TODO: make this faster; keep the contract */
	incq	%rsi
	cmpq	%rbx, %rsi
	jne	1b
2:	notl	%eax
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	ret
	.cfi_endproc
	.size	crc32c_x86_asm, .-crc32c_x86_asm
#endif
	.section .note.GNU-stack,"",%progbits
