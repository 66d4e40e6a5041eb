export {
  submitSharingRequest,
  sharingPrefill,
  getSharingRequest,
  listSharingRequests,
  decideSharingRequest,
} from './sharing.ts';
