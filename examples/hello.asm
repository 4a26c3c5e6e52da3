; Hello, World! for Viua VM 0.13 assembly.
;
; `main/0` is the program's entry point. Every function states how many local registers it
; uses; register 0 holds the return value, and main must set it (here to 0) just before
; returning — the assembler checks that.
.function: main/0
    allocate_registers %2 local
    text %1 local "Hello, World!"
    print %1 local
    izero %0 local
    return
.end
