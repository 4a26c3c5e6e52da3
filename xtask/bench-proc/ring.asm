; ring: N processes (first argument) in a ring with main, a token going round LAPS times
; (second argument). The ring is a chain: each node gets its successor's PID as its parameter,
; the first node spawned gets main's. Main sends the token to the last node spawned; the token
; is the number of laps still to go, counted down by main; a node forwards every token and
; ends after forwarding 1, so the last lap also closes the ring. Prints N.
.function: node/1
    allocate_registers %4 local
    .name: 1 next
    .name: 2 token
    .name: 3 last
    move %next local %0 parameters
    .mark: loop
    receive %token local infinity
    lte %last local %token local (integer %last local 1) local
    send %next local %token local
    if %last local finish loop
    .mark: finish
    izero %0 local
    return
.end

.function: main/2
    allocate_registers %8 local
    .name: 1 args
    .name: 2 n
    .name: 3 laps
    .name: 4 head
    .name: 5 i
    .name: 6 done
    .name: 7 token
    move void %0 parameters
    move %args local %1 parameters
    vpop %n local %args local (izero %i local) local
    stoi %n local
    vpop %laps local %args local (izero %i local) local
    stoi %laps local
    self %head local
    .mark: build
    if (gte %done local %i local %n local) local start
    frame ^[(move %0 arguments %head local)]
    process %head local node/1
    iinc %i local
    jump build
    .mark: start
    copy %token local %laps local
    .mark: lap
    send %head local %token local
    receive %token local infinity
    idec %token local
    if %token local lap
    print %n local
    izero %0 local
    return
.end
