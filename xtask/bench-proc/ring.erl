%% ring: N processes in a ring with the main process, a token going round LAPS times; built
%% and shut down as in ring.asm. Run: erl -noshell -run ring main N LAPS
-module(ring).
-export([main/1]).

main([NArg, LapsArg]) ->
    N = list_to_integer(NArg),
    Laps = list_to_integer(LapsArg),
    Started = erlang:monotonic_time(microsecond),
    Head = build(N, self()),
    lap(Head, Laps),
    Elapsed = erlang:monotonic_time(microsecond) - Started,
    io:format("~b~n~b~n", [N, Elapsed]),
    halt().

build(0, Next) -> Next;
build(I, Next) -> build(I - 1, spawn(fun() -> relay(Next) end)).

relay(Next) ->
    receive
        Token ->
            Next ! Token,
            if Token =< 1 -> ok; true -> relay(Next) end
    end.

lap(_, 0) -> ok;
lap(Head, Token) ->
    Head ! Token,
    receive Token -> lap(Head, Token - 1) end.
