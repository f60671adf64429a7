import type { Tensor } from "../../tensor/tensor.js";
import type { Tree } from "../../tree.js";
import { grad, treeVdot } from "../../autodiff/transforms.js";
import { add, mul } from "../../ops/elementwise.js";

/**
 * The modified loss of gradient descent with learning rate lr (backward error analysis: Barrett &
 * Dherin, arXiv 2009.11162; the "modified gradient flow" of Neural Mechanics, Kunin et al., arXiv
 * 2012.04728, section 5):
 *   L~(theta) = L(theta) + (lr / 4) |grad L(theta)|^2.
 * GD theta_{k+1} = theta_k - lr grad L(theta_k) follows the gradient flow of L~ with a global error
 * O(lr^2) at a fixed time t = lr k, against O(lr) for the flow of L itself. Differentiating L~ needs
 * second derivatives (a Hessian-vector product through the engine's differentiable rules); the loss
 * must be smooth along the path (an explicit ODE solver stalls on ReLU kinks the flow slides along).
 */
export function modifiedLoss<T extends Tree>(loss: (p: T) => Tensor, lr: number): (p: T) => Tensor {
  if (!(lr > 0 && Number.isFinite(lr))) throw new RangeError(`modifiedLoss: lr must be a finite number > 0, got ${lr}`);
  const gradient = grad(loss);
  return (p: T) => {
    const g = gradient(p);
    return add(loss(p), mul(treeVdot(g, g), lr / 4));
  };
}
