using System.Text;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// Collects what a cell writes to stdout or stderr and sends it as stream messages in chunks: on
/// <see cref="Flush"/> (called periodically while the cell runs, and at its end), or as soon as a chunk grows large.
/// </summary>
internal sealed class CellStreamWriter(Action<string> send) : TextWriter
{
    const int ChunkLimit = 32 * 1024;

    readonly StringBuilder pending = new();
    readonly Lock gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (gate)
        {
            pending.Append(value);
            if (pending.Length >= ChunkLimit) SendPending();
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        lock (gate)
        {
            pending.Append(value);
            if (pending.Length >= ChunkLimit) SendPending();
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void Flush()
    {
        lock (gate) SendPending();
    }

    // Sending under the lock keeps chunks in the order they were written even when threads flush concurrently.
    void SendPending()
    {
        if (pending.Length == 0) return;
        string text = pending.ToString();
        pending.Clear();
        send(text);
    }
}
