namespace TtLora.Core.Models;

/// <summary>A Llama decoder with some head on top; the decoder's keys live under <c>model.</c>.</summary>
public interface ILlamaWithHead
{
    LlamaConfig Config { get; }
    LlamaModel Model { get; }
}
