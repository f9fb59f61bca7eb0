/// One optimizer step's worth of data, as ``EpochLoop`` takes it: how to compute the model's
/// outputs and loss, and what the step counts for.
///
/// Two sources make them: the mini-batches of a ``Dataset`` (``EpochLoop/steps(_:)``), and the
/// windows of a text read in order with a state carried from window to window
/// (``TrainingStep/textWindows(_:)``, truncated backpropagation through time). The loop itself
/// (stop requests, learning-rate schedules, clipping, gradient norms, diagnostics, the checks
/// for NaN) is the same for both.
struct TrainingStep<Model: Layer> {
    /// The samples of the whole step, across ranks: the weight of its loss in the epoch's mean.
    let count: Int
    /// This process's share of them (all of them in a single process; 0 leaves the forward out).
    let localCount: Int
    /// What the metrics compare this process's predictions with, in the order of the outputs.
    let targets: Tensor
    /// The dataset rows of this process's share, and the dataset's size: what gathers the
    /// epoch's predictions across ranks (``DataParallel/gather(predictions:of:width:datasetCount:over:)``).
    /// Empty and 0 for text windows, which train in a single process.
    var samples: [Int] = []
    var datasetCount = 0
    /// This step's inputs, which the loop starts gathering during the step before; nil where
    /// there is nothing to gather (text windows).
    var inputs: InputPrefetch? = nil
    /// The outputs and the loss of `model` on this process's samples; runs inside the gradient
    /// recording, once, in step order.
    let forward: (Model) throws -> (outputs: Tensor, loss: Tensor)
}

extension EpochLoop {
    /// The steps of `batches`: `loss` of the model's outputs against the batch's targets; with
    /// more than one rank, each computes its shard of every batch (``DataParallel``).
    func steps<Model: Layer>(_ batches: [Batch]) -> LazyMapSequence<[Batch], TrainingStep<Model>> {
        let loss = self.loss, communicator = self.communicator
        return batches.lazy.map { globalBatch in
            let batch = communicator.size > 1 ? DataParallel.shard(of: globalBatch, rank: communicator.rank, size: communicator.size) : globalBatch
            let targets = batch.targets
            let inputs = InputPrefetch { batch.dataset.samples.startGathering(batch.indices) }
            return TrainingStep(
                count: globalBatch.count, localCount: batch.count, targets: targets, samples: batch.indices,
                datasetCount: globalBatch.dataset.count, inputs: inputs
            ) { model in
                let output = try model(inputs.take())
                return (output, try loss(output, targets))
            }
        }
    }
}

extension TrainingStep where Model == CharacterLanguageModel {
    /// The steps of `windows` (from ``TextCorpus/windows(batchSize:sequenceLength:)``), in order:
    /// each window's loss is the mean cross-entropy of every step's prediction of the next
    /// character, and its state after the last step starts the next window, detached, so the
    /// gradient flows back through one window only while the model reads each stream in order.
    /// The state starts from zeros at the first window. Single process only.
    ///
    /// Each step hands the loop the predicted character of every position (`[batch · time]`
    /// ids), not its logits: the loop keeps a pass's outputs for the metrics, and a row of logits
    /// per character of the text is the whole corpus times its vocabulary (88 GB for 1.1 million
    /// characters over 20,000, which aborted the process). Run them with ``EpochLoop/text(clipping:recordingGradientNorms:diagnostics:)``.
    static func textWindows(_ windows: [TextWindow]) -> LazyMapSequence<[TextWindow], TrainingStep> {
        let carried = CarriedState()
        return windows.lazy.map { window in
            TrainingStep(count: window.targets.count, localCount: window.targets.count, targets: Tensor(window.targets.map(Float.init))) { model in
                let result = try model.logits(model.oneHot(window.inputs), from: carried.state)
                carried.state = result.state.detached
                let predicted = Tensor(result.logits.argmaxIndices(alongAxis: -1).map(Float.init))
                return (predicted, try crossEntropy(logits: result.logits, labels: window.targets))
            }
        }
    }
}

extension EpochLoop {
    /// The loop for ``TrainingStep/textWindows(_:)``: its steps' outputs are already the
    /// predicted classes, so the link leaves them as they are and the accuracy compares them
    /// with the targets (the argmax of the softmax is the argmax of the logits).
    static func text(clipping: GradientClipping?, recordingGradientNorms: Bool, diagnostics: TrainingDiagnostics?) -> EpochLoop {
        let predictedClasses = Loss(name: Loss.crossEntropy.name, value: Loss.crossEntropy.callAsFunction)
        let accuracy = Metric(name: Metric.accuracy.name) { predicted, targets in
            var correct = 0
            for (guess, truth) in zip(predicted.scalars, targets.scalars) where guess == truth { correct += 1 }
            return fraction(correct, of: predicted.count)
        }
        return EpochLoop(
            loss: predictedClasses, metrics: [accuracy], clipping: clipping, recordingGradientNorms: recordingGradientNorms, epoch: nil,
            diagnostics: diagnostics)
    }
}

/// The recurrent state handed from one step's forward to the next.
private final class CarriedState {
    var state: RecurrentState?
}
