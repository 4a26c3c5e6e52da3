%% ping-pong: N round trips between the main process and a partner.
%% Prints N, then the microseconds the work took (timed inside, start-up excluded).
%% Run: erl -noshell -run ping_pong main N
-module(ping_pong).
-export([main/1]).

main([Arg]) ->
    N = list_to_integer(Arg),
    Self = self(),
    Started = erlang:monotonic_time(microsecond),
    Partner = spawn(fun() -> partner(Self) end),
    ping(Partner, 0, N),
    Partner ! -1,
    Elapsed = erlang:monotonic_time(microsecond) - Started,
    io:format("~b~n~b~n", [N, Elapsed]),
    halt().

ping(_, N, N) -> ok;
ping(Partner, I, N) ->
    Partner ! I,
    receive I -> ping(Partner, I + 1, N) end.

partner(Peer) ->
    receive
        Ball when Ball < 0 -> ok;
        Ball -> Peer ! Ball, partner(Peer)
    end.
