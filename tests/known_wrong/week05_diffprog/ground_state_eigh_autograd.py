"""Lets autograd through torch.linalg.eigh do the backward pass instead of writing it."""

import torch

EXPECT = {
    "exercise": "week05_diffprog.GroundState",
    "message": r"uses forbidden torch\.(enable_grad|autograd\.grad)",
    "status": "banned",
}


class GroundState(torch.autograd.Function):
    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        eigenvalues, eigenvectors = torch.linalg.eigh(A)
        return eigenvalues[0], eigenvectors[:, 0]

    @staticmethod
    def backward(ctx, grad_lambda0, grad_v0):
        (A,) = ctx.saved_tensors
        with torch.enable_grad():
            A = A.detach().requires_grad_(True)
            eigenvalues, eigenvectors = torch.linalg.eigh((A + A.T) / 2)
            outputs = (eigenvalues[0], eigenvectors[:, 0])
            (grad_A,) = torch.autograd.grad(outputs, A, (grad_lambda0, grad_v0))
        return grad_A
