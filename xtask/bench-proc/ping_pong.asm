; ping-pong: N round trips (N = first argument) between main and one partner process. Main
; sends an Integer, the partner sends it back; a negative one stops the partner. Prints N.
.function: partner/1
    allocate_registers %4 local
    .name: 1 peer
    .name: 2 ball
    .name: 3 stop
    move %peer local %0 parameters
    .mark: loop
    receive %ball local infinity
    if (lt %stop local %ball local (izero %stop local) local) local finish
    send %peer local %ball local
    jump loop
    .mark: finish
    izero %0 local
    return
.end

.function: main/2
    allocate_registers %7 local
    .name: 1 args
    .name: 2 n
    .name: 3 partner
    .name: 4 i
    .name: 5 ball
    .name: 6 done
    move void %0 parameters
    move %args local %1 parameters
    vpop %n local %args local (izero %i local) local
    stoi %n local
    frame ^[(move %0 arguments (self %ball local) local)]
    process %partner local partner/1
    .mark: loop
    if (gte %done local %i local %n local) local finish
    send %partner local (copy %ball local %i local) local
    receive %ball local infinity
    iinc %i local
    jump loop
    .mark: finish
    send %partner local (integer %ball local -1) local
    join void %partner local
    print %n local
    izero %0 local
    return
.end
