using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Tokenizers;
using TtLora.Core.Training;
using static TorchSharp.torch;

namespace TtLora.Core.Routing;

/// <summary>
/// TT-LoRA MoE at inference: a trained router and its frozen experts on one base model. Each input is routed to one
/// expert and classified by it, a whole mixed batch in one (or two) base passes.
/// </summary>
public sealed class RoutedModel : IDisposable
{
    private RoutedModel(RouterConfig config, Router router, ExpertMixture mixture, HfTokenizer tokenizer, string baseModelDir, int maxLength)
    {
        Config = config;
        Router = router;
        Mixture = mixture;
        Tokenizer = tokenizer;
        BaseModelDir = baseModelDir;
        MaxLength = maxLength;
        Features = new RouterFeatureExtractor(mixture.Model.Model, config.RouteFromLayer, mixture.PadTokenId);
    }

    public RouterConfig Config { get; }
    public Router Router { get; }
    public ExpertMixture Mixture { get; }
    public HfTokenizer Tokenizer { get; }
    public RouterFeatureExtractor Features { get; }
    public string BaseModelDir { get; }
    public int MaxLength { get; }

    /// <summary>Whether one base pass suffices: the router reads layer K and every expert adapts only layers above K.</summary>
    public bool CanRouteInOnePass => Config.RouteFromLayer is int k && Mixture.AllAdaptAbove(k);

    /// <summary>
    /// Opens a saved router with its experts. The base model is <paramref name="baseModelDir"/>, else the one the router
    /// was trained on; either way its fingerprint must be the router's. Inputs are cut to <paramref name="maxLength"/>
    /// tokens, by default the length the router was trained with.
    /// </summary>
    public static RoutedModel Open(ExpertRegistry registry, string routerName, string? baseModelDir = null, Device? device = null, int? maxLength = null)
    {
        var store = new RouterStore(registry);
        var (config, router) = store.Load(routerName, device);
        try
        {
            string baseDir = baseModelDir ?? config.BaseModel;
            string fingerprint = ModelFingerprint.Compute(baseDir);
            if (fingerprint != config.BaseModelFingerprint)
                throw new TtLoraException($"router \"{routerName}\" was trained on base model {config.BaseModel} ({config.BaseModelFingerprint}), but {baseDir} is a different model ({fingerprint})");
            var mixture = ExpertMixture.Load(registry, config.Experts, baseDir, device);
            int length = maxLength ?? (config.Training["max_length"] is System.Text.Json.Nodes.JsonValue v ? v.GetValue<int>() : 128);
            return new RoutedModel(config, router, mixture, HfTokenizer.ForModel(baseDir), baseDir, length);
        }
        catch
        {
            router.Dispose();
            throw;
        }
    }

    /// <summary>Token ids and mask for texts, right-padded with the model's pad id.</summary>
    public (Tensor Ids, Tensor Mask) Encode(IReadOnlyList<string> texts)
    {
        var batcher = new ClassificationBatcher(Tokenizer, texts.Select((t, i) => new Data.LabelledExample($"{i}", t, 0)).ToArray(), MaxLength, Mixture.PadTokenId ?? 0);
        var device = Mixture.Model.Score.weight!.device;
        var (ids, mask, labels, _) = batcher.Batch(Enumerable.Range(0, texts.Count).ToArray(), device);
        labels.Dispose();
        return (ids, mask);
    }

    /// <summary>Routes a batch and classifies every row with its chosen expert, in one or two base passes.</summary>
    /// <param name="noisy">Add the router's learned noise (the reference does at inference; off by default here).</param>
    public RoutedBatch Run(Tensor inputIds, Tensor mask, RoutingPass pass = RoutingPass.Auto, bool noisy = false, Generator? generator = null)
    {
        var resolved = pass switch
        {
            RoutingPass.Auto => CanRouteInOnePass ? RoutingPass.SinglePass : RoutingPass.TwoPass,
            RoutingPass.SinglePass when !CanRouteInOnePass => throw new TtLoraException(SinglePassRefusal()),
            _ => pass,
        };
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Mixture.Selection.Clear();
        var (prefix, features) = Features.Run(inputIds, mask, Router.NeedsTokens);
        var routing = Router.Route(features, noisy, generator);
        var hidden = resolved == RoutingPass.SinglePass
            ? Mixture.HiddenFrom(prefix!, inputIds, mask, Config.RouteFromLayer!.Value + 1, routing.Chosen)
            : Mixture.Hidden(inputIds, mask, routing.Chosen);
        var logits = Mixture.Scores(hidden, inputIds, mask, routing.Chosen);
        var moved = new RouterOutput(routing.CleanLogits.MoveToOuterDisposeScope(), routing.NoiseScale?.MoveToOuterDisposeScope(),
            routing.Logits.MoveToOuterDisposeScope(), routing.Gates.MoveToOuterDisposeScope(), routing.Chosen.MoveToOuterDisposeScope());
        return new RoutedBatch(moved, logits.MoveToOuterDisposeScope(), resolved);
    }

    /// <summary>Routes and classifies texts, with everything a person wants to see per input.</summary>
    public IReadOnlyList<RoutedPrediction> Classify(IReadOnlyList<string> texts, RoutingPass pass = RoutingPass.Auto, bool noisy = false, int batchSize = 32)
    {
        var results = new List<RoutedPrediction>();
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = texts.Skip(start).Take(batchSize).ToArray();
            var (ids, mask) = Encode(chunk);
            var batch = Run(ids, mask, pass, noisy);
            var chosen = batch.Routing.Chosen.cpu().data<long>().Select(c => (int)c).ToArray();
            var own = Mixture.OwnLabelSpace(batch.Logits, chosen);
            float[][] Rows(Tensor t) { var c = t.to(ScalarType.Float32).cpu(); return Enumerable.Range(0, chunk.Length).Select(i => c[i].data<float>().ToArray()).ToArray(); }
            var clean = Rows(batch.Routing.CleanLogits);
            var scale = batch.Routing.NoiseScale is null ? null : Rows(batch.Routing.NoiseScale);
            var probabilities = Rows(batch.Routing.Probabilities());
            for (int i = 0; i < chunk.Length; i++)
            {
                int label = Array.IndexOf(own[i], own[i].Max());
                results.Add(new RoutedPrediction(chunk[i], Config.Experts, clean[i], scale?[i], probabilities[i], chosen[i],
                    Mixture.Experts[chosen[i]].Labels, own[i], label));
            }
        }
        return results;
    }

    private string SinglePassRefusal()
    {
        if (Config.RouteFromLayer is not int k)
            return $"router \"{Config.Name}\" reads the final hidden states; single-pass routing needs a router trained with --route-from-layer K";
        var low = Enumerable.Range(0, Mixture.Experts.Count).First(e => !Mixture.AdaptedLayers(e).All(l => l > k));
        return $"router \"{Config.Name}\" routes from layer {k}, but expert \"{Mixture.Experts[low].Name}\" adapts layer {Mixture.AdaptedLayers(low).Min()}; " +
            $"single-pass routing needs experts trained only above it (ttlora train --layers {k + 1}-)";
    }

    public void Dispose()
    {
        Router.Dispose();
        Mixture.Dispose();
    }
}
