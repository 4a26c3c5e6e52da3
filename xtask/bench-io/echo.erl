#!/usr/bin/env escript
%% The same echo server with gen_tcp: one process per connection.
main([Port]) ->
    {ok, L} = gen_tcp:listen(list_to_integer(Port),
                             [binary, {packet, raw}, {active, false}, {reuseaddr, true},
                              {backlog, 128}, {ip, {127,0,0,1}}]),
    io:format("listening~n"),
    accept(L).

accept(L) ->
    {ok, S} = gen_tcp:accept(L),
    P = spawn(fun() -> receive go -> echo(S) end end),
    ok = gen_tcp:controlling_process(S, P),
    P ! go,
    accept(L).

echo(S) ->
    case gen_tcp:recv(S, 0) of
        {ok, Data} -> ok = gen_tcp:send(S, Data), echo(S);
        {error, _} -> gen_tcp:close(S)
    end.
