import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Clock } from '../common/clock';
import { Settings } from '../config/settings';
import { effectiveStatus } from '../core/verification';
import { Caller, TwilioAuthGuard, TwilioCaller } from './twilio-auth.guard';
import { TWILIO_CODES as C, TwilioErrorFilter } from './twilio-errors';
import { TwilioApi, TwilioErrors } from './twilio-openapi';
import { TwilioVerifications } from './twilio-verifications';
import { checkView, Links, serviceView, verificationView } from './twilio-views';
import {
  CreateServiceForm,
  ListServicesQuery,
  StartVerificationForm,
  UpdateServiceForm,
  UpdateVerificationForm,
  VerificationCheckForm,
} from './twilio.dto';
import { VerifyServices } from './verify-services';

const DEFAULT_PAGE_SIZE = 50;
const COMMON_ERRORS = {
  400: [C.invalidParameter],
  401: [C.authenticate],
  404: [C.notFound],
  503: [C.serviceUnavailable],
};

function links(request: FastifyRequest, caller: TwilioCaller): Links {
  return { origin: `${request.protocol}://${request.host}`, accountSid: caller.accountSid };
}

/** Twilio Verify v2 Services (https://www.twilio.com/docs/verify/api/service): translate, call, translate back. */
@TwilioApi()
@Controller('v2/Services')
@UseGuards(TwilioAuthGuard)
@UseFilters(TwilioErrorFilter)
export class TwilioServicesController {
  constructor(
    private readonly services: VerifyServices,
    private readonly settings: Settings,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a Verify Service' })
  @ApiCreatedResponse({ description: 'The service' })
  @TwilioErrors({ 400: [C.invalidParameter], 401: [C.authenticate], 503: [C.serviceUnavailable] })
  async create(
    @Caller() caller: TwilioCaller,
    @Body() form: CreateServiceForm,
    @Req() request: FastifyRequest,
  ) {
    const service = await this.services.create(caller.clientId, {
      friendlyName: form.FriendlyName,
      codeLength: form.CodeLength,
    });
    return serviceView(service, this.settings.otp.codeLength, links(request, caller));
  }

  @Get()
  @ApiOperation({ summary: 'List Verify Services, oldest first' })
  @ApiOkResponse({ description: '`{ services, meta }`' })
  @TwilioErrors({ 400: [C.invalidParameter], 401: [C.authenticate], 503: [C.serviceUnavailable] })
  async list(
    @Caller() caller: TwilioCaller,
    @Query() query: ListServicesQuery,
    @Req() request: FastifyRequest,
  ) {
    const all = await this.services.list(caller.clientId);
    const pageSize = query.PageSize ?? DEFAULT_PAGE_SIZE;
    const page = query.Page ?? 0;
    const at = links(request, caller);
    const pageUrl = (n: number) => `${at.origin}/v2/Services?PageSize=${pageSize}&Page=${n}`;
    const services = all.slice(page * pageSize, (page + 1) * pageSize);
    return {
      services: services.map((service) => serviceView(service, this.settings.otp.codeLength, at)),
      meta: {
        page,
        page_size: pageSize,
        first_page_url: pageUrl(0),
        previous_page_url: page > 0 ? pageUrl(page - 1) : null,
        url: pageUrl(page),
        next_page_url: (page + 1) * pageSize < all.length ? pageUrl(page + 1) : null,
        key: 'services',
      },
    };
  }

  @Get(':ServiceSid')
  @ApiOperation({ summary: 'Fetch a Verify Service' })
  @ApiOkResponse({ description: 'The service' })
  @TwilioErrors({ 401: [C.authenticate], 404: [C.notFound], 503: [C.serviceUnavailable] })
  async fetch(
    @Caller() caller: TwilioCaller,
    @Param('ServiceSid') sid: string,
    @Req() request: FastifyRequest,
  ) {
    const service = await this.services.get(caller.clientId, sid);
    return serviceView(service, this.settings.otp.codeLength, links(request, caller));
  }

  @Post(':ServiceSid')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update a Verify Service: FriendlyName, CodeLength' })
  @ApiOkResponse({ description: 'The service' })
  @TwilioErrors({ ...COMMON_ERRORS })
  async update(
    @Caller() caller: TwilioCaller,
    @Param('ServiceSid') sid: string,
    @Body() form: UpdateServiceForm,
    @Req() request: FastifyRequest,
  ) {
    const service = await this.services.update(caller.clientId, sid, {
      friendlyName: form.FriendlyName,
      codeLength: form.CodeLength,
    });
    return serviceView(service, this.settings.otp.codeLength, links(request, caller));
  }

  @Delete(':ServiceSid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a Verify Service; its verifications answer 20404 from then on' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @TwilioErrors({ 401: [C.authenticate], 404: [C.notFound], 503: [C.serviceUnavailable] })
  async remove(@Caller() caller: TwilioCaller, @Param('ServiceSid') sid: string): Promise<void> {
    await this.services.delete(caller.clientId, sid);
  }
}

/**
 * Twilio Verify v2 Verifications and VerificationCheck (https://www.twilio.com/docs/verify/api/verification,
 * https://www.twilio.com/docs/verify/api/verification-check).
 */
@TwilioApi()
@Controller('v2/Services/:ServiceSid')
@UseGuards(TwilioAuthGuard)
@UseFilters(TwilioErrorFilter)
export class TwilioVerificationsController {
  constructor(
    private readonly verifications: TwilioVerifications,
    private readonly clock: Clock,
  ) {}

  @Post('Verifications')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Start a verification, or send the pending one of this number again',
    description: 'A new code on every send; the previous code stops working.',
  })
  @ApiCreatedResponse({ description: 'The verification, `pending`' })
  @TwilioErrors({
    ...COMMON_ERRORS,
    403: [C.geoPermissions, C.fraudGuard],
    429: [C.maxSendAttempts, C.tooManyRequests],
  })
  async start(
    @Caller() caller: TwilioCaller,
    @Param('ServiceSid') serviceSid: string,
    @Body() form: StartVerificationForm,
    @Req() request: FastifyRequest,
  ) {
    const record = await this.verifications.start(caller.clientId, serviceSid, form);
    return verificationView(record, effectiveStatus(record, this.clock.now()), links(request, caller));
  }

  @Get('Verifications/:Sid')
  @ApiOperation({ summary: 'Fetch a verification (approved and expired ones are gone, as on Twilio)' })
  @ApiOkResponse({ description: 'The verification' })
  @TwilioErrors({ 401: [C.authenticate], 404: [C.notFound], 503: [C.serviceUnavailable] })
  async fetch(
    @Caller() caller: TwilioCaller,
    @Param('ServiceSid') serviceSid: string,
    @Param('Sid') sid: string,
    @Req() request: FastifyRequest,
  ) {
    const { record, status } = await this.verifications.fetch(caller.clientId, serviceSid, sid);
    return verificationView(record, status, links(request, caller));
  }

  @Post('Verifications/:Sid')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update a verification: `Status=canceled`' })
  @ApiOkResponse({ description: 'The verification, `canceled`' })
  @TwilioErrors(COMMON_ERRORS)
  async update(
    @Caller() caller: TwilioCaller,
    @Param('ServiceSid') serviceSid: string,
    @Param('Sid') sid: string,
    @Body() form: UpdateVerificationForm,
    @Req() request: FastifyRequest,
  ) {
    const record = await this.verifications.update(caller.clientId, serviceSid, sid, form.Status);
    return verificationView(record, effectiveStatus(record, this.clock.now()), links(request, caller));
  }

  @Post('VerificationCheck')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a code, by VerificationSid or by To' })
  @ApiOkResponse({ description: '`status` approved (`valid: true`), pending or max_attempts_reached' })
  @TwilioErrors({ ...COMMON_ERRORS, 429: [C.maxCheckAttempts] })
  async check(
    @Caller() caller: TwilioCaller,
    @Param('ServiceSid') serviceSid: string,
    @Body() form: VerificationCheckForm,
    @Req() request: FastifyRequest,
  ) {
    const outcome = await this.verifications.check(caller.clientId, serviceSid, form);
    return checkView(serviceSid, outcome, links(request, caller));
  }
}
