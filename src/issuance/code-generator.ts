import { randomInt } from 'node:crypto';

/** Makes one-time codes; a port so that unit tests can fix the code. */
export abstract class CodeGenerator {
  abstract generate(length: number): string;
}

/** Uniform digits from the CSPRNG; leading zeros are part of the code. */
export class RandomCodeGenerator extends CodeGenerator {
  generate(length: number): string {
    let code = '';
    for (let i = 0; i < length; i++) code += randomInt(10).toString();
    return code;
  }
}
