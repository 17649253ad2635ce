using NetMQ;
using NetMQ.Sockets;

namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>
/// The shell, control and stdin ROUTER sockets and the iopub PUB socket, all owned by one poller thread: NetMQ
/// sockets are not thread-safe, so other threads never touch them and hand outgoing messages to a queue the
/// poller drains. The heartbeat runs apart (<see cref="Heartbeat"/>).
/// </summary>
public sealed class KernelSockets(ConnectionFile connection, WireCodec codec, Action<Channel, JupyterMessage> received, Action<string> log) : IDisposable
{
    // A null message asks the poller to stop once everything queued before it has been sent; a message with a
    // Sent event is a marker the poller signals when everything queued before it has left.
    readonly NetMQQueue<(Channel Channel, JupyterMessage? Message, ManualResetEventSlim? Sent)> outbox = new();
    readonly ManualResetEventSlim ready = new();

    /// <summary>Queues a message for sending; safe from any thread.</summary>
    public void Send(Channel channel, JupyterMessage message) => outbox.Enqueue((channel, message, null));

    /// <summary>Stops the poller after the messages already queued are sent.</summary>
    public void StopAfterPendingSends() => outbox.Enqueue((Channel.Shell, null, null));

    /// <summary>Waits (at most <paramref name="timeout"/>) until every message queued so far has been handed to its socket.</summary>
    public bool Flush(TimeSpan timeout)
    {
        using var sent = new ManualResetEventSlim();
        outbox.Enqueue((Channel.Shell, null, sent));
        return sent.Wait(timeout);
    }

    /// <summary>Blocks until the sockets are bound (or <see cref="Run"/> failed).</summary>
    public void WaitUntilBound() => ready.Wait();

    /// <summary>Binds the sockets and serves them on the calling thread until <see cref="StopAfterPendingSends"/>.</summary>
    public void Run()
    {
        using var shell = new RouterSocket();
        using var control = new RouterSocket();
        using var stdin = new RouterSocket();
        using var iopub = new PublisherSocket();
        try
        {
            shell.Bind(connection.Endpoint(connection.ShellPort));
            control.Bind(connection.Endpoint(connection.ControlPort));
            stdin.Bind(connection.Endpoint(connection.StdinPort));
            iopub.Bind(connection.Endpoint(connection.IoPubPort));
        }
        finally
        {
            ready.Set();
        }

        using var loop = new NetMQPoller { shell, control, stdin, outbox };
        shell.ReceiveReady += (_, e) => Drain(e.Socket, Channel.Shell);
        control.ReceiveReady += (_, e) => Drain(e.Socket, Channel.Control);
        stdin.ReceiveReady += (_, e) => Drain(e.Socket, Channel.Stdin);
        outbox.ReceiveReady += (_, e) =>
        {
            while (e.Queue.TryDequeue(out var item, TimeSpan.Zero))
            {
                if (item.Sent is not null)
                {
                    item.Sent.Set();
                    continue;
                }
                if (item.Message is null)
                {
                    loop.StopAsync();
                    return;
                }
                NetMQSocket socket = item.Channel switch
                {
                    Channel.Shell => shell,
                    Channel.Control => control,
                    Channel.Stdin => stdin,
                    _ => iopub,
                };
                try
                {
                    socket.SendMultipartBytes(codec.Encode(item.Message));
                }
                catch (Exception failure) when (failure is not OutOfMemoryException)
                {
                    // One message that cannot be encoded or sent must not end the poller, and with it the kernel.
                    log($"could not send a {item.Message.Type} message: {failure.GetType().Name}: {failure.Message}");
                }
            }
        };
        loop.Run();
    }

    void Drain(NetMQSocket socket, Channel channel)
    {
        var frames = new List<byte[]>();
        while (socket.TryReceiveMultipartBytes(TimeSpan.Zero, ref frames))
        {
            // Every incoming message is decoded and handled inside a guard: a malformed or hostile message is
            // logged and dropped, and the poller (the only thread that owns the sockets) keeps serving.
            try
            {
                var decoded = codec.Decode(frames);
                if (decoded.Message is null)
                    log($"rejected a {channel.ToString().ToLowerInvariant()} message: {decoded.Rejection}");
                else
                    received(channel, decoded.Message);
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                log($"dropped a {channel.ToString().ToLowerInvariant()} message that could not be handled: {failure.GetType().Name}: {failure.Message}");
            }
            frames = new List<byte[]>();
        }
    }

    public void Dispose()
    {
        outbox.Dispose();
        ready.Dispose();
    }
}
