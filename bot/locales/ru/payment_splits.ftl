## Один платёж за несколько заказов: разбивка по заказам и решение по каждому заказу.

## Покупатель: разбивка
payment-splits-order-none = • Заказ { $number } «{ $title }»: { $part } — этот платёж его не оплачивает
payment-splits-hint = Платёж разделён по заказам: каждому — его остаток, по порядку. Чтобы изменить часть заказа, нажмите его кнопку.
payment-splits-button-edit = ✏️ Заказ { $number }: { $part }
payment-splits-button-reset = ↩️ Разделить заново по остаткам
payment-splits-ask-part = Сколько из { $amount } — на заказ { $number } «{ $title }»? Сейчас: { $part }, к оплате по заказу: { $balance }. Введите сумму, например 1 000; 0 — если этот платёж заказ не оплачивает. Выйти — /cancel.
payment-splits-part-above-amount = Часть заказа не может быть больше всего платежа ({ $amount }). Введите сумму поменьше.
payment-splits-problem = { $problem ->
    [negative] Часть заказа не может быть отрицательной.
    [nothing] Все части равны нулю — платёж должен оплачивать хотя бы один заказ.
   *[sum] { $direction ->
        [more] Части в сумме { $total } — на { $difference } больше платежа ({ $amount }).
       *[less] Части в сумме { $total } — на { $difference } меньше платежа ({ $amount }).
    }
} Измените части кнопками заказов, чтобы вместе они составили { $amount }.

## Организатор: решение по каждому заказу
payment-splits-part-decided = { $status ->
    [confirmed] { " " }— ✅ подтверждено
   *[rejected] { " " }— ❌ отклонено
}
payment-splits-button-confirm-all = ✅ Подтвердить всё
payment-splits-button-reject-all = ❌ Отклонить всё
payment-splits-button-confirm-part = ✅ Заказ { $number }
payment-splits-button-reject-part = ❌ Заказ { $number }
payment-splits-button-confirm-part-n = ✅ №{ $id } · { $number }
payment-splits-button-reject-part-n = ❌ №{ $id } · { $number }
payment-splits-part-already = Оплата по заказу { $number } уже { $status ->
    [confirmed] подтверждена — повторно она не засчитывается.
   *[rejected] отклонена.
}
payment-splits-part-confirmed = Оплата №{ $id }: часть { $part } по заказу { $number } подтверждена. Покупатель получит уведомление.
payment-splits-ask-part-reason = Почему вы отклоняете оплату №{ $id } по заказу { $number }? Напишите причину для покупателя ({ $min }–{ $max } символов). Выйти — /cancel.
payment-splits-part-rejected = Оплата №{ $id } по заказу { $number } отклонена, покупатель получит причину.
payment-splits-all-decided = По всем заказам этой оплаты решение принято.
payment-splits-decision-part-confirmed =
    ✅ Организатор { $organizer } подтвердил оплату по заказу { $number } «{ $title }»: { $part } (из платежа { $amount } от { $time } МСК).
    { $orders }
payment-splits-decision-part-rejected =
    ❌ Организатор { $organizer } отклонил оплату по заказу { $number } «{ $title }»: { $part } (из платежа { $amount } от { $time } МСК).
    Причина: { $reason }
    { $orders }
    Если это ошибка, сообщите об оплате этого заказа заново: /pay

## Скидки раундов приглашений: кто их оплачивает
payment-splits-round-discount-above-minimum = Скидка { $discount } больше минимальной суммы заказа { $minimum }: заказы около минимума стали бы бесплатными, а скидку оплачивает организатор покупки. Введите минимальную сумму не меньше { $discount } или скидку не больше минимума — а начать раунд заново можно через /rounds.
payment-splits-card-round-discounts = Скидки раундов приглашений: { $accepts ->
    [yes] принимаются — скидка по раунду за счёт организатора
   *[no] не принимаются — коды раундов к заказам этой покупки не применяются
}
payment-splits-button-round-discounts = { $accept ->
    [yes] Принимать скидки раундов
   *[no] Не принимать скидки раундов
}
payment-splits-button-card = ◀️ К покупке
payment-splits-round-discounts-set = { $accepts ->
    [yes] Покупка «{ $title }» принимает коды раундов приглашений: скидка по раунду — за счёт организатора (вы получите меньше на сумму скидки).
   *[no] Покупка «{ $title }» больше не принимает коды раундов приглашений. Коды, уже применённые к заказам, остаются.
}
payment-splits-round-discounts-settled = Покупка «{ $title }» завершена — принимать ли скидки раундов, уже не важно.
payment-splits-promo-opted-out = Организатор покупки «{ $title }» не принимает коды раундов приглашений, поэтому код { $code } к заказу { $number } не применён. Код остаётся неиспользованным — его можно применить к заказу другой покупки: /promo
payment-splits-rec-round-discounts = Скидка по раунду приглашений (промокод за друзей) — за счёт организатора: вы получаете меньше на сумму скидок.
