import { Injectable } from '@nestjs/common';
import { NotifyTimeout, NotifyUnavailable } from '../common/domain-error';
import { CodeSender, SendCodeReceipt, SendCodeRequest } from '../dispatch/code-sender';
import { CodeGenerator } from './code-generator';
import { CodeHasher } from './code-hasher';

export interface IssuedCode {
  receipt: SendCodeReceipt;
  /** The argon2 hash of the code that went out; the code itself never leaves this step. */
  hash: string;
}

/**
 * The step start and resend share: generate a code, send it, and hash it while the message is on its way. A send
 * that fails runs `undo` (give the rate-limit points and the resend claim back: the send cost nothing) and rethrows.
 * A send whose outcome is unknown (NotifyTimeout: the message may be on its way) is not undone: it counts against
 * the number's limits and the verification's budget, as a delivered one would.
 */
@Injectable()
export class CodeIssuer {
  constructor(
    private readonly sender: CodeSender,
    private readonly generator: CodeGenerator,
    private readonly hasher: CodeHasher,
  ) {}

  async issue(
    request: Omit<SendCodeRequest, 'code' | 'dryRun'>,
    codeLength: number,
    undo: () => Promise<void>,
  ): Promise<IssuedCode> {
    const code = this.generator.generate(codeLength);
    const hashing = this.hasher.hash(code);
    hashing.catch(() => undefined); // awaited below; a send failure must not leave it unhandled
    const receipt = await this.sendOrUndo({ ...request, code }, undo);
    return { receipt, hash: await hashing };
  }

  /** What a send would do (channel, template), without sending or storing anything. */
  async dryRun(
    request: Omit<SendCodeRequest, 'code' | 'dryRun'>,
    codeLength: number,
    undo: () => Promise<void>,
  ): Promise<SendCodeReceipt> {
    const code = this.generator.generate(codeLength);
    try {
      return await this.sendOrUndo({ ...request, code, dryRun: true }, undo);
    } catch (error) {
      // A dry run sends nothing, so its timeout is no unknown outcome.
      if (error instanceof NotifyTimeout) {
        await undo();
        throw new NotifyUnavailable(
          'notify_unavailable',
          'Notify did not answer in time; try again shortly.',
          5,
        );
      }
      throw error;
    }
  }

  private async sendOrUndo(request: SendCodeRequest, undo: () => Promise<void>): Promise<SendCodeReceipt> {
    try {
      return await this.sender.send(request);
    } catch (error) {
      if (!(error instanceof NotifyTimeout)) await undo();
      throw error;
    }
  }
}
