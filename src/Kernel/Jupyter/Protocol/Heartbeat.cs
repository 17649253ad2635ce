using NetMQ;
using NetMQ.Sockets;

namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>
/// Echoes heartbeat pings on a thread of its own, so a front end sees the kernel alive even while a cell keeps the
/// other threads busy.
/// </summary>
public sealed class Heartbeat : IDisposable
{
    readonly Thread thread;
    readonly ManualResetEventSlim bound = new();
    volatile bool stopping;
    Exception? bindError;

    public Heartbeat(string endpoint)
    {
        thread = new Thread(() => Echo(endpoint)) { IsBackground = true, Name = "jupyter-heartbeat" };
        thread.Start();
        bound.Wait();
        if (bindError is not null) throw bindError;
    }

    void Echo(string endpoint)
    {
        using var socket = new ResponseSocket();
        try
        {
            socket.Bind(endpoint);
        }
        catch (Exception e)
        {
            bindError = e;
            bound.Set();
            return;
        }
        bound.Set();
        var frames = new List<byte[]>();
        while (!stopping)
        {
            frames.Clear();
            if (socket.TryReceiveMultipartBytes(TimeSpan.FromMilliseconds(200), ref frames))
                socket.SendMultipartBytes(frames);
        }
    }

    public void Dispose()
    {
        stopping = true;
        thread.Join(TimeSpan.FromSeconds(2));
        bound.Dispose();
    }
}
