namespace TtLora.Kernel.Jupyter.Protocol;

/// <summary>
/// Remembers recent signatures so a captured signed message cannot be sent again: every genuine message has a fresh
/// msg_id and date, hence a fresh signature. Bounded, so memory stays flat in a long session.
/// </summary>
public sealed class ReplayGuard(int capacity = 65536)
{
    readonly HashSet<string> seen = new(StringComparer.Ordinal);
    readonly Queue<string> order = new();
    readonly Lock gate = new();

    /// <summary>Records the signature; false when it was seen before.</summary>
    public bool TryAccept(string signature)
    {
        lock (gate)
        {
            if (!seen.Add(signature)) return false;
            order.Enqueue(signature);
            if (order.Count > capacity) seen.Remove(order.Dequeue());
            return true;
        }
    }
}
