%% memory: N processes parked in receive at once; then each gets a message and ends, and the
%% main process waits for all of them. The harness reads the peak RSS of the beam process.
%% Prints N, then the microseconds the work took (timed inside, start-up excluded).
%% Run: erl -noshell -run memory main N
-module(memory).
-export([main/1]).

main([Arg]) ->
    N = list_to_integer(Arg),
    %% A million replies queue up while main is still spawning: off-heap, so that each
    %% garbage collection of main does not walk the whole queue (quadratic otherwise).
    process_flag(message_queue_data, off_heap),
    Self = self(),
    Pids = [spawn(fun() -> parked(Self) end) || _ <- lists:seq(1, N)],
    [Pid ! wake || Pid <- Pids],
    wait(N),
    io:format("~b~n", [N]),
    halt().

parked(Parent) -> receive wake -> Parent ! done end.

wait(0) -> ok;
wait(I) -> receive done -> wait(I - 1) end.
