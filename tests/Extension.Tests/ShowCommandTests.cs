using TtLora.Core.Benchmarks;
using System.Text.Json.Nodes;
using TtLora.Core.Adapters;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.TensorTrains;
using TtLora.Core.Tokenizers;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;
using TtLora.Extension.Results;
using TtLora.Extension.Tests.Formatting;
using static TorchSharp.torch;

namespace TtLora.Extension.Tests;

/// <summary>One registry with a TT-LoRA, a LoRA and a bottleneck expert, each trained one epoch on a tiny random base.</summary>
public sealed class ShowFixture : IDisposable
{
    readonly TempFolder _tmp = new();

    public ShowFixture()
    {
        var trainer = new ByteLevelBpeTrainer(320);
        foreach (var text in Texts) trainer.Add(text);
        string tokenizer = _tmp["tokenizer.json"];
        trainer.Train().Save(tokenizer);
        BaseModel = _tmp["base"];
        RandomCheckpoint.Create(BaseModel, ModelPresets.Get("tiny"), tokenizer, seed: 1);
        Registry = _tmp["registry"];
        string train = Write("train.jsonl", 4, ""), valid = Write("valid.jsonl", 1, " again"), test = Write("test.jsonl", 1, " today");
        foreach (var adapter in new[] { "tt-lora", "lora", "bottleneck" })
        {
            var outcome = CliHarness.Run("train", "--task", "mine", "--train-file", train, "--validation-file", valid, "--test-file", test,
                "--model", BaseModel, "--registry", Registry, "--adapter", adapter, "--epochs", "1", "--batch-size", "8");
            Assert.True(outcome.ExitCode == 0, outcome.Error);
        }
    }

    static readonly string[] Texts = ["the cat sleeps", "a dog barks", "the server crashed", "a kernel panics", "the horse runs", "the compiler fails"];

    string Write(string name, int copies, string suffix)
    {
        var examples = Enumerable.Range(0, copies).SelectMany(c => Texts.Select((t, i) => new LabelledExample($"{name}-{c}-{i}", t + suffix, i % 2))).ToList();
        ExampleFiles.Write(_tmp[name], examples, ["animals", "computers"]);
        return _tmp[name];
    }

    public string BaseModel { get; }
    public string Registry { get; }
    public string Folder(string expert) => Path.Combine(Registry, expert);

    public void Dispose() => _tmp.Dispose();
}

public class ShowCommandTests(ShowFixture fixture) : IClassFixture<ShowFixture>
{
    CliHarness.Outcome Show(params string[] args)
    {
        var outcome = CliHarness.Run(["show", "--registry", fixture.Registry, .. args]);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        return outcome;
    }

    static int[] Ints(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
    static double[] Doubles(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    [Fact]
    public void TtLoraShapesParametersAndCompressionFollowTheTtShape()
    {
        var json = Show("--expert", "mine-tt-lora", "--json").Json;
        using var checkpoint = AdapterFiles.Load(fixture.Folder("mine-tt-lora"));
        var config = Assert.IsType<TtLoraConfig>(checkpoint.Config);
        var model = LlamaConfig.Load(fixture.BaseModel);
        var modules = json["modules"]!.AsArray();
        Assert.Equal(["q_proj", "v_proj"], modules.Select(m => m!["module"]!.GetValue<string>()));
        long total = 0;
        foreach (var module in modules)
        {
            string name = module!["module"]!.GetValue<string>();
            var shape = new TtShape(config.InputFactors[name], config.OutputFactors[name], config.R);
            Assert.Equal(shape.Modes, Ints(module["tt_shape"]));
            Assert.Equal(shape.InputFactors, Ints(module["input_factors"]));
            Assert.Equal(shape.OutputFactors, Ints(module["output_factors"]));
            Assert.Equal(shape.Ranks, Ints(module["ranks"]));
            Assert.Equal(5, module["rank"]!.GetValue<int>());
            // The factors multiply to the projection's features in the base model (q: 64 -> 64, v: 64 -> 2 heads x 16).
            Assert.Equal(model.HiddenSize, module["in_features"]!.GetValue<int>());
            Assert.Equal(name == "q_proj" ? model.NumAttentionHeads * model.HeadDim : model.NumKeyValueHeads * model.HeadDim, module["out_features"]!.GetValue<int>());
            int inF = shape.InFeatures, outF = shape.OutFeatures;

            var cores = module["cores"]!.AsArray();
            Assert.Equal(shape.CoreCount, cores.Count);
            long sum = 0;
            for (int k = 0; k < cores.Count; k++)
            {
                long[] expected = [shape.Ranks[k], shape.Modes[k], shape.Ranks[k + 1]];
                Assert.Equal(expected, cores[k]!["shape"]!.AsArray().Select(n => n!.GetValue<long>()));
                Assert.Equal(expected[0] * expected[1] * expected[2], cores[k]!["parameters"]!.GetValue<long>());
                Assert.Equal(k < shape.InputCoreCount ? "input" : "output", cores[k]!["side"]!.GetValue<string>());
                // The file holds exactly these shapes, layer by layer.
                foreach (int layer in Ints(module["layers"]))
                    Assert.Equal(expected, checkpoint.Tensors[$"base_model.model.model.layers.{layer}.self_attn.{name}.tt_cores.{k}"].shape);
                sum += expected[0] * expected[1] * expected[2];
            }
            long perLayer = module["parameters_per_layer"]!.GetValue<long>();
            Assert.Equal(shape.ParameterCount, perLayer);
            Assert.Equal(sum, perLayer);
            Assert.Equal(model.NumHiddenLayers, Ints(module["layers"]).Length);
            Assert.Equal(perLayer * model.NumHiddenLayers, module["total_parameters"]!.GetValue<long>());
            Assert.Equal((long)inF * outF, module["dense_parameters"]!.GetValue<long>());
            Assert.Equal(5L * (inF + outF), module["lora_parameters"]!.GetValue<long>());
            Assert.Equal((double)inF * outF / perLayer, module["compression_vs_dense"]!.GetValue<double>(), 12);
            Assert.Equal(5.0 * (inF + outF) / perLayer, module["compression_vs_lora"]!.GetValue<double>(), 12);
            total += perLayer * model.NumHiddenLayers;
        }
        Assert.Equal(total, json["adapter_parameters"]!.GetValue<long>());
        Assert.Equal(total, json["trainable_parameters"]!.GetValue<long>()); // the head stayed frozen
        Assert.Equal([2L, model.HiddenSize], json["head"]!["shape"]!.AsArray().Select(n => n!.GetValue<long>()));
    }

    [Fact]
    public void UpdateSingularValuesAreThoseOfTheDenseUpdateAndAtMostRank()
    {
        var json = Show("--expert", "mine-tt-lora", "--json").Json;
        using var checkpoint = AdapterFiles.Load(fixture.Folder("mine-tt-lora"));
        var config = (TtLoraConfig)checkpoint.Config;
        foreach (var module in json["modules"]!.AsArray())
        {
            string name = module!["module"]!.GetValue<string>();
            var shape = new TtShape(config.InputFactors[name], config.OutputFactors[name], config.R);
            foreach (var layer in module["per_layer"]!.AsArray())
            {
                int index = layer!["layer"]!.GetValue<int>();
                double[] shown = Doubles(layer["update_singular_values"]);
                Assert.InRange(shown.Length, 1, shape.BridgeRank);
                for (int i = 1; i < shown.Length; i++) Assert.True(shown[i] <= shown[i - 1] + 1e-12, $"{name} layer {index}: σ{i + 1} > σ{i}");
                Assert.All(shown, s => Assert.True(s >= 0));

                // Independently: the full out x in update from the cores, alpha applied, decomposed densely.
                var cores = Enumerable.Range(0, shape.CoreCount)
                    .Select(k => checkpoint.Tensors[$"base_model.model.model.layers.{index}.self_attn.{name}.tt_cores.{k}"].to(ScalarType.Float64)).ToArray();
                using var dense = TtOps.FullUpdate(cores, shape).mul(config.Alpha);
                double[] full = linalg.svdvals(dense).data<double>().ToArray();
                Assert.True(full[0] > 1e-6, "the trained update is not zero");
                for (int i = 0; i < shown.Length; i++) Assert.Equal(full[i], shown[i], full[0] * 1e-9);
                // Beyond the bridge rank the dense update has nothing left (float64 round-off only).
                Assert.All(full.Skip(shape.BridgeRank), s => Assert.True(s < full[0] * 1e-10, $"{name} layer {index}: σ = {s} beyond rank {shape.BridgeRank}"));
                double norm = Math.Sqrt(full.Sum(s => s * s));
                Assert.Equal(norm, layer["update_frobenius_norm"]!.GetValue<double>(), norm * 1e-9);

                // Each core's singular values are those of its unfolding: [r_k n_k, r_k+1] on the input side, [r_k, n_k r_k+1] on the output side.
                var coreValues = layer["core_singular_values"]!.AsArray();
                for (int k = 0; k < shape.CoreCount; k++)
                {
                    long[] s = shape.CoreShape(k);
                    using var unfolding = k < shape.InputCoreCount ? cores[k].reshape(s[0] * s[1], s[2]) : cores[k].reshape(s[0], s[1] * s[2]);
                    double[] expected = linalg.svdvals(unfolding).data<double>().ToArray();
                    Assert.Equal(expected.Length, coreValues[k]!.AsArray().Count);
                    Assert.All(expected.Zip(Doubles(coreValues[k])), p => Assert.Equal(p.First, p.Second, 1e-12));
                }
                foreach (var core in cores) core.Dispose();
            }
        }
    }

    [Fact]
    public void OneLayerShowsItsCoresAsHeatmapsAndSpectra()
    {
        var outcome = Show("--expert", "mine-tt-lora", "--layer", "1");
        var result = Assert.IsType<ShowResult>(outcome.Results.Single().Result);
        Assert.Equal(1, result.Adapter.Layer);
        var q = Assert.IsType<TtModuleDetails>(result.Adapter.Modules[0]);
        Assert.Equal([1], q.Layers);
        Assert.Equal(q.ParametersPerLayer, q.TotalParameters);
        Assert.Equal(result.Adapter.Modules.Sum(m => m.ParametersPerLayer), result.Adapter.AdapterParameters);
        string text = result.ToText();
        Assert.Contains("singular values (layer 1)", text);
        Assert.Contains($"tt_shape {TtShape.Format(q.Shape.Modes)}", text);
        Assert.DoesNotContain(" \n", text);

        var bundle = MimeBundles.For(result);
        Assert.Equal(text, bundle[MimeBundles.PlainText]);
        string html = Assert.IsType<string>(bundle[MimeBundles.Html]);
        var root = HtmlDoc.Parse(html);
        int charts = result.Adapter.Modules.Cast<TtModuleDetails>().Sum(m => m.Shape.CoreCount + 2);
        Assert.Equal(charts, root.All("div").Count(d => d.HasClass("ttl-plot")));
        Assert.Equal(1, HtmlDoc.Count(html, "plotly.js v2.28.0")); // the library once, however many charts
        var coreTable = root.All("table").First(t => t.All("caption").SingleOrDefault()?.Value == "q_proj cores");
        var rows = coreTable.All("tbody").Single().All("tr").ToArray();
        Assert.Equal(q.Shape.CoreCount, rows.Length);
        Assert.Equal($"[{string.Join(",", q.Shape.CoreShape(0))}]", rows[0].All("td").ElementAt(2).Value);

        // Heatmaps draw the rank bond along the rows: r_k+1 rows for an input core, r_k for an output core.
        var first = ShowView.CoreHeatmap("q_proj", 1, q.PerLayer[0].Cores[0]).ToJson()["data"]![0]!["z"]!.AsArray();
        Assert.Equal(q.Shape.Ranks[1], first.Count);
        Assert.Equal(q.Shape.Modes[0], first[0]!.AsArray().Count);
        var last = q.PerLayer[0].Cores[^1];
        var lastZ = ShowView.CoreHeatmap("q_proj", 1, last).ToJson()["data"]![0]!["z"]!.AsArray();
        Assert.Equal(last.Shape[0], lastZ.Count);
        Assert.Equal(last.Unfolding[2, 3], lastZ[2]![3]!.GetValue<double>());
    }

    [Fact]
    public void AllLayersSummariseTheUpdatePerLayer()
    {
        var result = Assert.IsType<ShowResult>(Show("--expert", "mine-tt-lora").Results.Single().Result);
        string html = ShowView.ToHtml(result);
        var root = HtmlDoc.Parse(html);
        var updates = root.All("table").Single(t => t.All("caption").SingleOrDefault()?.Value == "q_proj: update singular values");
        Assert.Equal(["0", "1"], updates.All("tbody").Single().All("tr").Select(tr => tr.All("td").First().Value));
        Assert.Equal(2, root.All("div").Count(d => d.HasClass("ttl-plot"))); // one spectrum chart per module
        Assert.Contains("Pass --layer N", html);
        Assert.DoesNotContain("singular values (layer", result.ToText());
    }

    [Fact]
    public void LoraShowsFactorShapesScalingAndItsSpectrum()
    {
        var json = Show("--expert", "mine-lora", "--json").Json;
        using var checkpoint = AdapterFiles.Load(fixture.Folder("mine-lora"));
        var config = Assert.IsType<LoraConfig>(checkpoint.Config);
        int r = config.R;
        double scaling = config.LoraAlpha / r;
        foreach (var module in json["modules"]!.AsArray())
        {
            string name = module!["module"]!.GetValue<string>();
            int inF = module["in_features"]!.GetValue<int>(), outF = module["out_features"]!.GetValue<int>();
            Assert.Equal([r, inF], Ints(module["a_shape"]));
            Assert.Equal([outF, r], Ints(module["b_shape"]));
            Assert.Equal((long)r * (inF + outF), module["parameters_per_layer"]!.GetValue<long>());
            Assert.Equal(scaling, module["scaling"]!.GetValue<double>(), 12);
            foreach (var layer in module["per_layer"]!.AsArray())
            {
                string prefix = $"base_model.model.model.layers.{layer!["layer"]!.GetValue<int>()}.self_attn.{name}";
                using var a = checkpoint.Tensors[prefix + ".lora_A.weight"].to(ScalarType.Float64);
                using var b = checkpoint.Tensors[prefix + ".lora_B.weight"].to(ScalarType.Float64);
                using var delta = b.matmul(a).mul(scaling);
                double[] full = linalg.svdvals(delta).data<double>().ToArray();
                double[] shown = Doubles(layer["update_singular_values"]);
                Assert.InRange(shown.Length, 1, r);
                for (int i = 0; i < shown.Length; i++) Assert.Equal(full[i], shown[i], Math.Max(full[0], 1e-30) * 1e-9);
            }
        }
    }

    [Fact]
    public void BottleneckShowsDownAndUpShapes()
    {
        var json = Show("--expert", "mine-bottleneck", "--json").Json;
        var module = json["modules"]!.AsArray().Single()!;
        Assert.Equal("mlp", module["module"]!.GetValue<string>());
        int hidden = LlamaConfig.Load(fixture.BaseModel).HiddenSize, b = hidden / BottleneckAdapter.DefaultReductionFactor;
        Assert.Equal([b, hidden], Ints(module["down_shape"]));
        Assert.Equal([hidden, b], Ints(module["up_shape"]));
        Assert.Equal(BottleneckAdapter.CountParameters(hidden, b), module["parameters_per_layer"]!.GetValue<long>());
        var html = HtmlDoc.Parse(MimeBundles.For(Show("--expert", "mine-bottleneck").Results.Single().Result)[MimeBundles.Html].ToString()!);
        Assert.Contains(html.All("div"), d => d.HasClass("ttl-card") && d.Value.Contains($"[{b},{hidden}] + bias [{b}]"));
    }

    [Fact]
    public void BadSelectionsAreOneLineErrors()
    {
        var layer = CliHarness.Run("show", "--registry", fixture.Registry, "--expert", "mine-tt-lora", "--layer", "7");
        Assert.Equal(CommandRunner.Failure, layer.ExitCode);
        Assert.Contains("--layer: layer 7 carries no adapter", layer.Error);
        Assert.Contains("(adapted layers: 0, 1)", layer.Error);
        var negative = CliHarness.Run("show", "--registry", fixture.Registry, "--expert", "mine-tt-lora", "--layer", "-1");
        Assert.Equal(CommandRunner.UsageError, negative.ExitCode);
        Assert.Contains("--layer must be zero or positive", negative.Error);
        var missing = CliHarness.Run("show", "--registry", fixture.Registry, "--expert", "nope");
        Assert.Contains("expert \"nope\" is not in the registry", missing.Error);
        var noExpert = CliHarness.Run("show", "--registry", fixture.Registry);
        Assert.Equal(CommandRunner.UsageError, noExpert.ExitCode);
    }

    [Fact]
    public void DamagedFilesNameTheFileAndTheModule()
    {
        using var tmp = new TempFolder("ttlora-cli-");
        string copy = tmp["broken"];
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(fixture.Folder("mine-tt-lora"))) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, AdapterFiles.ConfigFileName)))!.AsObject();
        config["input_factors"]!.AsObject().Remove("v_proj");
        config["output_factors"]!.AsObject().Remove("v_proj");
        config["tt_shape"]!.AsObject().Remove("v_proj");
        File.WriteAllText(Path.Combine(copy, AdapterFiles.ConfigFileName), config.ToJsonString());
        var e = Assert.Throws<TtLora.Core.TtLoraException>(() => AdapterInspector.Inspect(copy));
        Assert.Contains(AdapterFiles.ConfigFileName, e.Message);
        Assert.Contains("no entry for v_proj", e.Message);

        config["input_factors"]!["v_proj"] = new JsonArray(8, 8);
        config["output_factors"]!["v_proj"] = new JsonArray(4, 8);
        File.WriteAllText(Path.Combine(copy, AdapterFiles.ConfigFileName), config.ToJsonString());
        e = Assert.Throws<TtLora.Core.TtLoraException>(() => AdapterInspector.Inspect(copy));
        Assert.Contains(AdapterFiles.WeightsFileName, e.Message);
        Assert.Contains("model.layers.0.self_attn.v_proj", e.Message);
    }
}
