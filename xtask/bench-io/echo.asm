; An echo server on std::posix::network: one process per connection, each reading up to
; 1024 bytes and writing them back until the peer disconnects (read raises Eof).
; PORT is replaced by `cargo xtask bench io` before assembling.
.signature: std::posix::network::socket/0
.signature: std::posix::network::bind/3
.signature: std::posix::network::listen/2
.signature: std::posix::network::accept/1
.signature: std::posix::network::read/1
.signature: std::posix::network::write/2
.signature: std::posix::network::close/1

.block: echo_once
    frame %1
    move %0 arguments (ptr %3 local %1 local) local
    call %4 local std::posix::network::read/1
    frame %2
    move %0 arguments (ptr %3 local %1 local) local
    move %1 arguments %4 local
    call void std::posix::network::write/2
    leave
.end

.block: peer_gone
    draw %4 local
    izero %2 local
    not %2 local
    leave
.end

.function: [[no_sa]] serve/1
    allocate_registers %5 local
    move %1 local %0 parameters
    .mark: again
    izero %2 local
    try
    catch "Eof" peer_gone
    enter echo_once
    if %2 local closed again
    .mark: closed
    frame %1
    move %0 arguments (ptr %3 local %1 local) local
    call void std::posix::network::close/1
    izero %0 local
    return
.end

.function: [[no_sa]] main/0
    allocate_registers %6 local
    import std::posix::network
    frame %0
    call %1 local std::posix::network::socket/0
    frame %3
    move %0 arguments (ptr %2 local %1 local) local
    move %1 arguments (string %3 local "127.0.0.1") local
    move %2 arguments (integer %3 local PORT) local
    call void std::posix::network::bind/3
    frame %2
    move %0 arguments (ptr %2 local %1 local) local
    move %1 arguments (integer %3 local 128) local
    call void std::posix::network::listen/2
    print (text %3 local "listening") local
    .mark: accept_loop
    frame %1
    move %0 arguments (ptr %2 local %1 local) local
    call %4 local std::posix::network::accept/1
    frame %1
    move %0 arguments %4 local
    process void serve/1
    jump accept_loop
    izero %0 local
    return
.end
