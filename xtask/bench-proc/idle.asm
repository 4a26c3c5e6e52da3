; idle: main waits 5 s in `receive` for a message that never comes, catches the timeout and
; prints it. The harness also runs a copy with the timeout replaced by 0ms (start-up
; and shut-down cost) and reports the difference in CPU time as a share of the 5 s.
.block: wait
    receive %1 local 5s
    print %1 local
    leave
.end

.block: timed_out
    print (draw %1 local) local
    leave
.end

.function: main/0
    allocate_registers %2 local
    try
    catch "Exception" timed_out
    enter wait
    izero %0 local
    return
.end
